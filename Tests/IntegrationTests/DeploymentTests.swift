import Foundation
import XCTest

/// Checks of the deployment files under `docker/` (no Docker engine exists where tests run, so the
/// image is linted and inspected, never built): hadolint on the Dockerfile, its HEALTHCHECK command
/// against a real loopback server, yamllint and an offline structural check on every YAML,
/// `gatehouse check` on every config file (ConfigMaps' embedded `proxy.conf` included), and the
/// README's two commands against `.ci/run` and `scripts/demo.sh`.
///
/// The linters come from PyPI through `scripts/install-lint.sh` (a venv in `.venv-lint/`). If they
/// cannot be installed the tests fail, they never skip.
final class DeploymentTests: XCTestCase {
  private static let root = GatehouseBinary.packageRoot
  private static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

  // MARK: - Tools

  /// The venv's bin directory, installed once per test run.
  private static let lintBin: Result<String, HarnessError> = {
    let result: CommandResult
    do {
      result = try run(path("scripts/install-lint.sh"), [], timeout: 600)
    } catch {
      return .failure(HarnessError("scripts/install-lint.sh could not run: \(error)"))
    }
    let lastLine = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
    guard result.status == 0, FileManager.default.isExecutableFile(atPath: lastLine + "/hadolint") else {
      return .failure(HarnessError("scripts/install-lint.sh failed (the linters are required):\n\(result)"))
    }
    return .success(lastLine)
  }()

  private func tool(_ name: String) throws -> String { try Self.lintBin.get() + "/" + name }

  // MARK: - Dockerfile

  func testHadolintAcceptsTheDockerfileAndFlagsABadOne() throws {
    struct Case {
      let name: String
      let dockerfile: String?  // nil = the repository's docker/Dockerfile
      let clean: Bool
      let expected: String
    }
    let cases = [
      Case(name: "docker/Dockerfile", dockerfile: nil, clean: true, expected: ""),
      Case(
        name: "untagged base image and cd in RUN", dockerfile: "FROM debian\nRUN cd /tmp && ls\n",
        clean: false,
        expected: "DL3006"),
      Case(
        name: "apt-get without --no-install-recommends",
        dockerfile: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n",
        clean: false,
        expected: "DL3015"),
    ]
    let hadolint = try tool("hadolint")
    let scratch = try TemporaryDirectory(prefix: "gatehouse-hadolint")
    defer { scratch.remove() }
    for testCase in cases {
      var file = Self.path("docker/Dockerfile")
      if let text = testCase.dockerfile {
        file = scratch.path("Dockerfile")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
      }
      let result = try Self.run(hadolint, ["--no-color", file])
      XCTAssertEqual(result.status == 0, testCase.clean, "\(testCase.name): \(result)")
      if !testCase.expected.isEmpty {
        XCTAssertTrue(result.stdout.contains(testCase.expected), "\(testCase.name): \(result)")
      }
    }
  }

  func testDockerfileHasTheRequiredInstructions() throws {
    let text = try String(contentsOfFile: Self.path("docker/Dockerfile"), encoding: .utf8)
    let lines = Self.instructions(text)
    let stages = lines.filter { $0.hasPrefix("FROM ") }
    struct Case {
      let name: String
      let holds: Bool
    }
    let finalStage = lines.drop { $0 != stages.last }
    let cases = [
      Case(name: "two stages", holds: stages.count == 2),
      Case(
        name: "build stage is the Swift image for Debian 12",
        holds: stages.first?.contains("-bookworm AS build") == true
          && stages.first?.hasPrefix("FROM swift:6.") == true),
      Case(name: "runtime stage is bookworm-slim", holds: stages.last == "FROM debian:bookworm-slim"),
      Case(
        name: "build stage runs scripts/install-deps.sh",
        holds: lines.contains { $0.hasPrefix("RUN scripts/install-deps.sh") }),
      Case(
        name: "static Swift stdlib release build",
        holds: lines.contains {
          $0.contains("swift build -c release --static-swift-stdlib")
        }),
      Case(
        name: "runtime packages are exactly libssl3 libhiredis0.14 ca-certificates",
        holds: finalStage.contains {
          $0.contains("--no-install-recommends libssl3 libhiredis0.14 ca-certificates &&")
        }),
      Case(
        name: "numeric non-root USER",
        holds: finalStage.contains {
          $0.range(of: #"^USER [1-9][0-9]*:[1-9][0-9]*$"#, options: .regularExpression) != nil
        }),
      Case(name: "WORKDIR", holds: finalStage.contains { $0.hasPrefix("WORKDIR /") }),
      Case(
        name: "default config",
        holds: finalStage.contains { $0 == "COPY proxy.conf.example /etc/gatehouse/proxy.conf" }),
      Case(name: "EXPOSE 8000 9901", holds: finalStage.contains("EXPOSE 8000 9901")),
      Case(name: "STOPSIGNAL SIGTERM", holds: finalStage.contains("STOPSIGNAL SIGTERM")),
      Case(
        name: "HEALTHCHECK on /healthz",
        holds: finalStage.contains { $0.hasPrefix("HEALTHCHECK ") && $0.contains("/healthz") }),
      Case(name: "ENTRYPOINT", holds: finalStage.contains(#"ENTRYPOINT ["/usr/local/bin/gatehouse"]"#)),
      Case(name: "CMD", holds: finalStage.contains(#"CMD ["run", "--config", "/etc/gatehouse/proxy.conf"]"#)),
    ]
    for testCase in cases { XCTAssertTrue(testCase.holds, testCase.name) }
  }

  /// The image has no curl: the HEALTHCHECK is a bash /dev/tcp one-liner. Run the very command the
  /// Dockerfile holds against a loopback server (EchoUpstream: 200 for any path, NNN for /status/NNN).
  func testHealthcheckCommandReportsTheAdminListenersState() throws {
    let text = try String(contentsOfFile: Self.path("docker/Dockerfile"), encoding: .utf8)
    let healthcheck = try XCTUnwrap(Self.instructions(text).first { $0.hasPrefix("HEALTHCHECK ") })
    let json = try XCTUnwrap(
      healthcheck.range(of: "CMD [").map { String(healthcheck[$0.upperBound...].dropLast()) })
    let argv = try XCTUnwrap(JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String])
    XCTAssertEqual(Array(argv.prefix(2)), ["bash", "-c"], healthcheck)
    let script = try XCTUnwrap(argv.last)
    XCTAssertTrue(script.contains("/dev/tcp/127.0.0.1/9901") && script.contains("GET /healthz "), script)

    let server = try EchoUpstream()
    defer { server.stop() }
    let closed = try EchoUpstream()
    let closedPort = closed.port
    closed.stop()
    struct Case {
      let name: String
      let port: UInt16
      let path: String
      let healthy: Bool
    }
    let cases = [
      Case(name: "200 from /healthz", port: server.port, path: "/healthz", healthy: true),
      Case(name: "503", port: server.port, path: "/status/503", healthy: false),
      Case(name: "nothing listening", port: closedPort, path: "/healthz", healthy: false),
    ]
    for testCase in cases {
      let adapted = script.replacingOccurrences(of: "/9901", with: "/\(testCase.port)")
        .replacingOccurrences(of: "GET /healthz ", with: "GET \(testCase.path) ")
      let result = try Self.run("/bin/bash", ["-c", adapted], timeout: 10)
      XCTAssertEqual(result.status == 0, testCase.healthy, "\(testCase.name): \(result)")
    }
  }

  // MARK: - YAML

  func testYamllintAcceptsEveryYAMLUnderDockerAndFlagsABadFile() throws {
    let files = Self.files(under: "docker", suffixes: [".yaml", ".yml"])
    XCTAssertGreaterThanOrEqual(files.count, 7, "YAML files found: \(files)")
    let yamllint = try tool("yamllint")
    let config = Self.path("docker/.yamllint")
    let scratch = try TemporaryDirectory(prefix: "gatehouse-yamllint")
    defer { scratch.remove() }
    let bad = scratch.path("bad.yaml")
    try "on: yes\nkey:   value \n".write(toFile: bad, atomically: true, encoding: .utf8)
    struct Case {
      let name: String
      let files: [String]
      let clean: Bool
    }
    let cases = [
      Case(name: "docker/**/*.y*ml", files: files, clean: true),
      Case(name: "truthy value and trailing spaces", files: [bad], clean: false),
    ]
    for testCase in cases {
      let result = try Self.run(yamllint, ["--strict", "-f", "parsable", "-c", config] + testCase.files)
      XCTAssertEqual(result.status == 0, testCase.clean, "\(testCase.name): \(result)")
    }
  }

  func testManifestStructureCheckPassesAndCatchesEachMistake() throws {
    let python = try tool("python")
    let checker = Self.path("scripts/check-deploy-manifests.py")
    let clean = try Self.run(python, [checker, "check", Self.path("docker")])
    XCTAssertEqual(clean.status, 0, "docker/: \(clean)")

    struct Case {
      let name: String
      let file: String
      let from: String
      let to: String
      let expected: String
    }
    let cases = [
      Case(
        name: "readiness probe on the public port", file: "kubernetes/deployment.yaml",
        from: "path: /readyz\n              port: admin", to: "path: /readyz\n              port: http",
        expected: "readinessProbe port http is not the admin port 9901"),
      Case(
        name: "liveness on the wrong path", file: "kubernetes/deployment.yaml",
        from: "path: /healthz\n              port: admin\n            periodSeconds: 10",
        to: "path: /\n              port: admin\n            periodSeconds: 10",
        expected: "livenessProbe path must be /healthz"),
      Case(
        name: "admin listener on loopback", file: "kubernetes/configmap.yaml",
        from: #"listen = "0.0.0.0:9901""#,
        to: #"listen = "127.0.0.1:9901""#, expected: "is loopback"),
      Case(
        name: "grace period shorter than preStop + drain", file: "kubernetes/deployment.yaml",
        from: "terminationGracePeriodSeconds: 30", to: "terminationGracePeriodSeconds: 20",
        expected: "terminationGracePeriodSeconds 20 must exceed"),
      Case(
        name: "Service exposes the admin port", file: "kubernetes/service.yaml", from: "targetPort: http",
        to: "targetPort: admin", expected: "only gatehouse's public port may be exposed"),
      Case(
        name: "gatehouse without a memory limit", file: "kubernetes/deployment.yaml",
        from:
          "          resources:\n            requests:\n              cpu: 100m\n              memory: 32Mi\n            limits:\n              memory: 128Mi\n",
        to: "", expected: "container gatehouse: resources.requests.cpu missing"),
      Case(
        name: "writable root file system", file: "kubernetes/redis.yaml",
        from: "readOnlyRootFilesystem: true",
        to: "readOnlyRootFilesystem: false", expected: "readOnlyRootFilesystem must be true"),
      Case(
        name: "env from a missing Secret key", file: "kubernetes/deployment.yaml", from: "key: admin-token",
        to: "key: admin-tokn", expected: "missing Secret key gatehouse-secrets/admin-tokn"),
      Case(
        name: "manifest without a name", file: "kubernetes/service.yaml", from: "  name: legacy-app\n",
        to: "", expected: "missing metadata.name"),
      Case(
        name: "compose gatehouse on its own network", file: "compose.yml",
        from: #"network_mode: "service:app""#,
        to: "", expected: "network_mode: service:app"),
    ]
    for testCase in cases {
      let copy = try TemporaryDirectory(prefix: "gatehouse-manifests")
      defer { copy.remove() }
      try FileManager.default.removeItem(at: copy.url)
      try FileManager.default.copyItem(atPath: Self.path("docker"), toPath: copy.url.path)
      let target = copy.path(testCase.file)
      let original = try String(contentsOfFile: target, encoding: .utf8)
      XCTAssertTrue(
        original.contains(testCase.from),
        "\(testCase.name): \(testCase.file) no longer contains the text to break")
      try original.replacingOccurrences(of: testCase.from, with: testCase.to)
        .write(toFile: target, atomically: true, encoding: .utf8)
      let result = try Self.run(python, [checker, "check", copy.url.path])
      XCTAssertEqual(result.status, 1, "\(testCase.name): \(result)")
      XCTAssertTrue(
        result.stdout.contains(testCase.expected),
        "\(testCase.name): expected \(testCase.expected)\n\(result)")
    }
  }

  // MARK: - Configurations

  /// Every Gatehouse config shipped for deployment must load: `docker/**/*.conf`, the `proxy.conf`
  /// of every ConfigMap, and the image's default (proxy.conf.example). Secrets referenced as
  /// `env:NAME` get dummy values, as the Secret would provide.
  func testGatehouseCheckAcceptsEveryDeploymentConfig() throws {
    let binary = try GatehouseBinary.require()
    let python = try tool("python")
    let scratch = try TemporaryDirectory(prefix: "gatehouse-configmaps")
    defer { scratch.remove() }
    let extracted = try Self.run(
      python,
      [Self.path("scripts/check-deploy-manifests.py"), "extract", Self.path("docker"), scratch.url.path])
    XCTAssertEqual(extracted.status, 0, "\(extracted)")
    let fromConfigMaps = extracted.stdout.split(separator: "\n").map(String.init)
    XCTAssertFalse(fromConfigMaps.isEmpty, "no ConfigMap holds a proxy.conf: \(extracted)")
    let configs =
      Self.files(under: "docker", suffixes: [".conf"]) + fromConfigMaps + [Self.path("proxy.conf.example")]
    XCTAssertGreaterThanOrEqual(configs.count, 3, "\(configs)")
    let environment = [
      "GATEHOUSE_SESSION_KEY": "dGVzdC1vbmx5LWtleS10ZXN0LW9ubHkta2V5LXRlc3Q=",
      "GATEHOUSE_ADMIN_TOKEN": "test-admin-token", "REDIS_PASSWORD": "test-redis-password",
    ]
    for config in configs {
      let result = try Self.run(binary, ["check", "--config", config], environment: environment)
      XCTAssertEqual(result.status, 0, "\(config): \(result)")
      XCTAssertTrue(result.stdout.contains(": OK ("), "\(config): \(result)")
    }
  }

  // MARK: - README commands

  /// The README's two commands are the ones CI and the demo use: `scripts/test.sh` (which `.ci/run`
  /// executes) and `scripts/demo.sh` (which runs proxy.conf.example). README.md is written by the lead;
  /// until it exists this test fails on purpose.
  func testReadmeCommandsAreTheOnesCIAndTheDemoUse() throws {
    func commands(_ relative: String) throws -> [String] {
      try String(contentsOfFile: Self.path(relative), encoding: .utf8).split(separator: "\n")
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
    guard let readme = try? String(contentsOfFile: Self.path("README.md"), encoding: .utf8) else {
      return XCTFail(
        "README.md is missing or unreadable: it must show `scripts/demo.sh` and `scripts/test.sh`")
    }
    let fencedLines = Self.fencedBlockLines(readme)
    struct Case {
      let name: String
      let holds: Bool
    }
    let cases = [
      Case(
        name: "README fenced block has scripts/demo.sh",
        holds: fencedLines.contains { $0.hasPrefix("scripts/demo.sh") }),
      Case(
        name: "README fenced block has scripts/test.sh",
        holds: fencedLines.contains { $0.hasPrefix("scripts/test.sh") }),
      Case(
        name: ".ci/run executes scripts/test.sh",
        holds: try commands(".ci/run").contains { $0.hasSuffix("scripts/test.sh") }),
      Case(
        name: "scripts/demo.sh runs proxy.conf.example",
        holds: try commands("scripts/demo.sh").contains {
          $0.contains("gatehouse run --config proxy.conf.example")
        }),
      Case(
        name: "scripts/test.sh installs with scripts/install-deps.sh",
        holds: try commands("scripts/test.sh").contains { $0.hasPrefix("scripts/install-deps.sh") }),
      Case(
        name: "scripts/demo.sh installs with scripts/install-deps.sh",
        holds: try commands("scripts/demo.sh").contains("scripts/install-deps.sh")),
    ]
    for testCase in cases { XCTAssertTrue(testCase.holds, testCase.name) }
  }

  // MARK: - Helpers

  struct CommandResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String
    var description: String { "exit \(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)" }
  }

  /// Runs a program to completion (killed after `timeout`), output captured through files.
  static func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    timeout: TimeInterval = 120
  ) throws -> CommandResult {
    let directory = try TemporaryDirectory(prefix: "gatehouse-deploy-cmd")
    defer { directory.remove() }
    FileManager.default.createFile(atPath: directory.path("out"), contents: nil)
    FileManager.default.createFile(atPath: directory.path("err"), contents: nil)
    let out = try FileHandle(forWritingTo: directory.url.appendingPathComponent("out"))
    let err = try FileHandle(forWritingTo: directory.url.appendingPathComponent("err"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = root
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
      throw HarnessError("\(executable) \(arguments) still running after \(timeout) s")
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    return CommandResult(
      status: process.terminationStatus,
      stdout: (try? String(contentsOfFile: directory.path("out"), encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: directory.path("err"), encoding: .utf8)) ?? "")
  }

  /// Dockerfile instructions with continuation lines joined and comments dropped.
  static func instructions(_ text: String) -> [String] {
    var result: [String] = []
    var current = ""
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("#") || (line.isEmpty && current.isEmpty) { continue }
      if line.hasSuffix("\\") {
        current += line.dropLast().trimmingCharacters(in: .whitespaces) + " "
      } else {
        current += line
        if !current.isEmpty { result.append(current) }
        current = ""
      }
    }
    return result
  }

  /// Lines inside ``` fenced blocks, trimmed.
  static func fencedBlockLines(_ markdown: String) -> [String] {
    var inside = false
    var lines: [String] = []
    for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("```") {
        inside.toggle()
      } else if inside {
        lines.append(line)
      }
    }
    return lines
  }

  /// Absolute paths of the files under `relative` (recursive) whose names end in one of `suffixes`.
  static func files(under relative: String, suffixes: [String]) -> [String] {
    let base = root.appendingPathComponent(relative)
    let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
    var found: [String] = []
    while let url = enumerator?.nextObject() as? URL {
      if suffixes.contains(where: { url.lastPathComponent.hasSuffix($0) }) { found.append(url.path) }
    }
    return found.sorted()
  }
}
