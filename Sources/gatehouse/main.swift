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
    subcommands: [Run.self, Check.self, AuditCommand.self, Migrate.self, Version.self]
  )
}

struct ConfigOption: ParsableArguments {
  @Option(name: .shortAndLong, help: "Path of the configuration file (TOML).")
  var config: String = "proxy.conf"
}

/// Loads the file or prints every problem (with its line) and exits non-zero. `skipSecrets`:
/// `env:`/`file:` secrets are not resolved; each is printed as a warning instead.
func loadConfigOrExit(_ path: String, skipSecrets: Bool = false) -> GatehouseConfig {
  var sources = ConfigSources.system(environment: environmentVariables())
  if skipSecrets {
    sources.skippedSecret = { issue in printError("gatehouse: warning: \(issue)") }
  }
  switch ConfigLoader.load(path: path, sources: sources) {
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
  @Flag(help: "Validate everything but the resolution of env: and file: secrets (reported as warnings).")
  var skipSecrets = false

  func run() throws {
    let config = loadConfigOrExit(options.config, skipSecrets: skipSecrets)
    print(
      "\(options.config): OK (\(config.routes.count) route\(config.routes.count == 1 ? "" : "s"), listen \(config.server.listen), upstream \(config.upstream.address))"
    )
    if let policy = config.cookiePolicy {
      // Paths Gatehouse answers itself on the public listener: the app never sees them.
      print(
        "reserved paths: \(policy.reservedPrefix)* (consent endpoint \(policy.consentPath)); cookie policy environment \(policy.environment.name) (\(policy.environment.domain)), \(policy.rules.count) cookie rule\(policy.rules.count == 1 ? "" : "s")"
      )
    }
  }
}

struct Migrate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Copy every live session from the migration's from Redis to its to Redis.",
    discussion: """
      Uses [session.migration] of the configuration: [redis] is from, [redis.target] is to. Resumable \
      (an interrupted run continues where it stopped), idempotent (sessions already in to are left \
      alone), rate-limited with --rate. --verify compares the two stores instead of copying; \
      --reverse works from to back to from (rolling back after complete).
      """)
  @OptionGroup var options: ConfigOption
  @Option(help: "Sessions copied per second (0 = no limit).") var rate: Int = 0
  @Option(help: "Users read per SCAN page.") var pageSize: Int = 200
  @Flag(help: "Start from the beginning instead of the saved resume point.") var restart = false
  @Flag(help: "Compare the stores (session counts and a sample) instead of copying.") var verify = false
  @Option(help: "Sessions checked by --verify.") var sample: Int = 100
  @Flag(help: "Copy (or verify) to → from, before leaving complete for a mode where from answers.")
  var reverse = false

  func validate() throws {
    guard rate >= 0 else { throw ValidationError("--rate must not be negative") }
    guard pageSize >= 1 else { throw ValidationError("--page-size must be at least 1") }
    guard sample >= 0 else { throw ValidationError("--sample must not be negative") }
  }

  func run() throws {
    let config = loadConfigOrExit(options.config)
    let status = BackfillCommand.run(
      config: config,
      options: BackfillCommand.Options(
        rate: rate, pageSize: pageSize, restart: restart, verify: verify, sample: sample, reverse: reverse)
    ) { text in
      _ = Array(text.utf8).withUnsafeBytes { Posix.writeAll(2, $0) }
    }
    Glibc.exit(status)
  }
}

struct Version: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print the version.")
  func run() throws { print("gatehouse \(gatehouseVersion)") }
}

Gatehouse.main()
