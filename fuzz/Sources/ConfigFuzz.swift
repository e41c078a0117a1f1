@testable import Config

/// The TOML parser and the config reader over arbitrary text, with sources that do nothing: every
/// refusal names a line inside the text, the result does not depend on anything but the text, and
/// an accepted config's TOML dump is TOML again (and, when it validates, dumps to itself).
enum ConfigFuzz {
  static let sources = ConfigSources(
    environment: ["FUZZ": "value"], readFile: { _, _ in .failure(.init(reason: "no files while fuzzing")) },
    resolve: { _, _ in [] }, onlineCores: 2)

  static func run(_ data: UnsafeRawBufferPointer) {
    let text = String(decoding: data, as: UTF8.self)
    let lineCount = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    let first = ConfigLoader.parse(text, file: "fuzz.conf", baseDirectory: "/nonexistent", sources: sources)
    switch first {
    case .failure(let errors):
      FuzzCheck.require(!errors.issues.isEmpty, "a refusal without an issue")
      for issue in errors.issues {
        FuzzCheck.require(
          issue.line >= 0 && issue.line <= lineCount + 1, "issue on line \(issue.line) of \(lineCount)")
      }
      let again = ConfigLoader.parse(text, file: "fuzz.conf", baseDirectory: "/nonexistent", sources: sources)
      guard case .failure(let errorsAgain) = again else { FuzzCheck.fail("second parse accepted") }
      FuzzCheck.require(errorsAgain.issues == errors.issues, "issues differ between two parses")
    case .success(let config):
      let dump = config.redactedDescription()
      do { _ = try TOMLParser.parse(dump) } catch {
        FuzzCheck.fail("the dump is not TOML: \(error)\n\(dump)")
      }
      let reread = ConfigLoader.parse(
        dump, file: "dump.conf", baseDirectory: "/nonexistent", sources: sources)
      if case .success(let again) = reread {
        FuzzCheck.require(again.redactedDescription() == dump, "the dump does not read back to itself")
      }
    }
  }
}
