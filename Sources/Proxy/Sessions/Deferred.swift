/// Bridges "answer now or later" for stores that complete either synchronously (memory) or later
/// on the same loop (Redis): `run` returns the outcome when the body finished before returning,
/// and otherwise arranges for `resume` to receive it. Loop-thread only.
enum Deferred {
  static func run<T>(_ resume: @escaping (T) -> Void, _ body: (@escaping (T) -> Void) -> Void) -> T? {
    let box = DeferredBox<T>()
    body { value in
      if box.returned {
        resume(value)
      } else {
        box.value = value
      }
    }
    box.returned = true
    return box.value
  }
}

/// The value a synchronous completion left for `Deferred.run`. Loop-thread only.
final class DeferredBox<T> {
  var value: T?
  var returned = false
}
