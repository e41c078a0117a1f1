import Foundation

/// A failure of the test harness itself or of the process under test, with a message meant to be read
/// in a test log. Immutable.
struct HarnessError: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) { self.description = description }
}

/// Polls `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
/// Used where the event being awaited happens in another process, so no fake clock can drive it.
func waitUntil(
  timeout: TimeInterval, interval: TimeInterval = 0.01, _ condition: () throws -> Bool
) rethrows -> Bool {
  let deadline = Date().addingTimeInterval(timeout)
  while true {
    if try condition() { return true }
    if Date() >= deadline { return false }
    Thread.sleep(forTimeInterval: interval)
  }
}
