import ArgumentParser
import Audit
import Config
import Glibc
import Proxy

/// `gatehouse audit`: the static checks over a configuration and, with `--target`, the live
/// probes against the deployment that runs it; one report in the chosen format; the exit status
/// CI gates on (docs/security.md). 0 all passed, 1 a non-critical failure, 2 a critical one,
/// 3 the audit could not run (bad config, unreachable target, unwritable output), 64 usage.
struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Audit a configuration (and, with --target, a running deployment) for session security.",
    discussion: """
      Static: gatehouse audit --config proxy.conf
      Live:   add --target URL --login PATH --i-own-this-target
              (docs/security.md describes every check, probe and flag)
      Exit:   0 passed, 1 non-critical failure, 2 critical failure,
              3 could not run, 64 usage error
      """)

  @OptionGroup var config: ConfigOption
  @OptionGroup var live: LiveAuditFlags

  @Option(help: "Report format: text, json, markdown or junit.")
  var format: FormatChoice = .text

  @Option(help: "Write the report to this file instead of standard output.")
  var output: String?

  @Option(help: "Colour in the text report: auto (a terminal without NO_COLOR), always or never.")
  var color: ColorChoice = .auto

  static let exitCouldNotRun: Int32 = 3

  func validate() throws {
    try live.validate()
  }

  func run() throws {
    let environment = environmentVariables()
    let loaded: GatehouseConfig
    switch ConfigLoader.load(path: config.config, environment: environment) {
    case .success(let value):
      loaded = value
    case .failure(let errors):
      printError("gatehouse audit: \(config.config): the configuration does not load:")
      for issue in errors.issues { printError("  \(issue)") }
      Glibc.exit(Self.exitCouldNotRun)
    }
    var results = StaticAudit.run(loaded)
    var target: String?
    if let targetText = live.target {
      signal(SIGPIPE, SIG_IGN)
      do {
        let (liveResults, cleanup, probed) = try live.run(
          config: loaded, environment: environment, target: targetText)
        results += liveResults
        target = probed
        if let revoked = cleanup.revoked {
          printError(
            "gatehouse audit: revoked \(revoked) session\(revoked == 1 ? "" : "s") the probes created")
        }
        if let problem = cleanup.problem { printError("gatehouse audit: warning: \(problem)") }
      } catch {
        printError("gatehouse audit: cannot probe \(targetText): \(error)")
        Glibc.exit(Self.exitCouldNotRun)
      }
    }
    let report = AuditReport(
      auditDate: AuditOutput.now(), toolVersion: gatehouseVersion, configPath: config.config, target: target,
      results: results)
    let colour = format == .text && output == nil && color.enabled(environment: environment)
    let text = format.reportFormat.render(report, colour: colour)
    if let output {
      do {
        try AuditOutput.write(text, to: output)
      } catch {
        printError("gatehouse audit: cannot write \(output): \(error)")
        Glibc.exit(Self.exitCouldNotRun)
      }
    } else {
      print(text, terminator: "")
    }
    Glibc.exit(report.exitStatus.rawValue)
  }
}

enum FormatChoice: String, ExpressibleByArgument {
  case text, json, markdown, junit

  var reportFormat: ReportFormat {
    switch self {
    case .text: .text
    case .json: .json
    case .markdown: .markdown
    case .junit: .junit
    }
  }
}

enum ColorChoice: String, ExpressibleByArgument {
  case auto, always, never

  func enabled(environment: [String: String]) -> Bool {
    switch self {
    case .always: true
    case .never: false
    case .auto: environment["NO_COLOR"].map(\.isEmpty) ?? true && AuditOutput.standardOutputIsTerminal
    }
  }
}
