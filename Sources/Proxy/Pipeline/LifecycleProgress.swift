/// Where `LifecyclePhase` stands for the current request.
enum LifecycleProgress {
  case notStarted
  case waiting
  indirect case answered(SessionLifecycle.Outcome)
  case done
}
