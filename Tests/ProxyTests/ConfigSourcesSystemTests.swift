import Config
import Foundation
import XCTest

@testable import Proxy

/// `ConfigSources.system`: the real file reader, resolver and core count behind `ConfigLoader`
/// (the loader's own rules are tested in ConfigTests with injected sources).
final class ConfigSourcesSystemTests: XCTestCase {
  func testLoadsAFileAndARelativeSecretFromDisk() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gatehouse-config-\(getpid())-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try "tok-from-file\n".write(
      to: directory.appendingPathComponent("admin.token"), atomically: true, encoding: .utf8)
    let path = directory.appendingPathComponent("proxy.conf").path
    try "[admin]\ntoken = \"file:admin.token\"\n[upstream]\naddress = \"127.0.0.1:9\"\n".write(
      toFile: path, atomically: true, encoding: .utf8)

    switch ConfigLoader.load(path: path, environment: [:]) {
    case .success(let config):
      XCTAssertEqual(config.admin.token?.revealed, "tok-from-file", "secret read relative to the file")
      XCTAssertEqual(config.upstream.address.description, "127.0.0.1:9")
      XCTAssertGreaterThanOrEqual(config.server.workers, 1, "workers = 0 became the online cores")
    case .failure(let errors):
      XCTFail("unexpected issues \(errors)")
    }
  }

  func testUnreadableFileNamesTheSystemReason() {
    let result = ConfigLoader.load(path: "/nonexistent/gatehouse/proxy.conf", environment: [:])
    guard case .failure(let errors) = result else { return XCTFail("loaded a missing file") }
    XCTAssertEqual(
      errors.description, "/nonexistent/gatehouse/proxy.conf: cannot read file: No such file or directory")
  }
}
