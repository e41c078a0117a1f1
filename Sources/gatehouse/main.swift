import ArgumentParser
import Config
import EventLoop
import Glibc
import Logging
import Proxy

struct Gatehouse: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gatehouse",
    abstract: "A reverse-proxy sidecar that enforces sessions and JWTs in front of an application.",
    subcommands: [Run.self, Check.self, AuditCommand.self, Version.self]
  )
}

struct ConfigOption: ParsableArguments {
  @Option(name: .shortAndLong, help: "Path of the configuration file (TOML).")
  var config: String = "proxy.conf"
}

/// Loads the file or prints every problem (with its line) and exits non-zero.
func loadConfigOrExit(_ path: String) -> GatehouseConfig {
  switch ConfigLoader.load(path: path, environment: environmentVariables()) {
  case .success(let config):
    return config
  case .failure(let errors):
    let count = errors.issues.count
    if count == 1, let only = errors.issues.first, only.line == 0 {
      // The file itself could not be read: one line says it all.
      printError("gatehouse: \(only)")
      Glibc.exit(2)
    }
    printError("gatehouse: \(path): \(count) configuration error\(count == 1 ? "" : "s"):")
    for issue in errors.issues { printError("  \(issue)") }
    Glibc.exit(2)
  }
}

func environmentVariables() -> [String: String] {
  var result: [String: String] = [:]
  var pointer = environ
  while let entry = pointer.pointee {
    let text = String(cString: entry)
    if let equals = text.firstIndex(of: "=") {
      result[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    pointer += 1
  }
  return result
}

func printError(_ text: String) {
  let line = text + "\n"
  _ = Array(line.utf8).withUnsafeBytes { Posix.writeAll(2, $0) }
}

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Run the proxy.")
  @OptionGroup var options: ConfigOption

  func run() throws {
    let config = loadConfigOrExit(options.config)
    // The one clock of the process, handed to everything that reads the time.
    let clock = SystemClock()
    let sink = LogSink(level: config.log.level, format: config.log.format, clock: clock)
    do {
      try sink.startWriter()
    } catch {
      printError("gatehouse: cannot start the log writer: \(error)")
      Glibc.exit(1)
    }
    LoggingSystem.bootstrap { label in JSONLogHandler(label: label, sink: sink) }
    let log = Logger(label: "gatehouse")

    // Signals are taken synchronously by this thread: block them before any worker thread
    // starts so every thread inherits the mask.
    signal(SIGPIPE, SIG_IGN)
    var signals = sigset_t()
    sigemptyset(&signals)
    for sig in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, sig) }
    pthread_sigmask(SIG_BLOCK, &signals, nil)

    let server = GatehouseServer(config: config, sink: sink, log: log, clock: clock)
    do {
      try server.start()
    } catch {
      sink.stop()
      printError("gatehouse: \(error.description)")
      Glibc.exit(1)
    }
    if !config.routes.contains(where: { _ in true }) {
      log.warning("no [[route]] configured: every request is denied with 401", metadata: ["event": "config"])
    }

    while true {
      var received: Int32 = 0
      guard sigwait(&signals, &received) == 0 else { continue }
      switch received {
      case SIGHUP:
        switch ConfigLoader.load(path: options.config, environment: environmentVariables()) {
        case .success(let newConfig):
          server.reload(newConfig)
        case .failure(let errors):
          server.reloadFailed()
          log.error(
            "configuration reload failed; keeping the running configuration",
            metadata: [
              "event": "config_reload", "result": "failure",
              "errors": "\(errors.issues.map { $0.description }.joined(separator: "; "))",
            ])
        }
      default:
        log.info("draining", metadata: ["event": "drain", "signal": "\(received)"])
        let clean = server.drain(timeout: server.config.server.drainTimeout)
        log.info(
          clean ? "drained, exiting" : "drain timeout reached, exiting",
          metadata: ["event": "stopped", "clean": "\(clean)"])
        sink.stop()
        Glibc.exit(0)
      }
    }
  }
}

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Validate a configuration file and exit.")
  @OptionGroup var options: ConfigOption

  func run() throws {
    let config = loadConfigOrExit(options.config)
    print(
      "\(options.config): OK (\(config.routes.count) route\(config.routes.count == 1 ? "" : "s"), listen \(config.server.listen), upstream \(config.upstream.address))"
    )
  }
}

struct Version: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print the version.")
  func run() throws { print("gatehouse \(gatehouseVersion)") }
}

Gatehouse.main()
