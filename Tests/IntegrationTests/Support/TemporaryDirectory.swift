import Foundation

/// A fresh directory under the system temp dir, removed by `remove()`. Immutable.
struct TemporaryDirectory {
  let url: URL

  init(prefix: String = "gatehouse-itest") throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  func remove() { try? FileManager.default.removeItem(at: url) }
}
