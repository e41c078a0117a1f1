public import Net

/// Everything reading a configuration needs from outside the file's text: the environment
/// (`env:` secrets), file contents (the file itself, `file:` secrets, the `ca_file` check), host
/// name resolution (addresses are numeric once loaded) and the number of online cores
/// (`workers = 0`). Injected by the caller — the real ones are in `Proxy`
/// (`ConfigSources.system`), tests pass tables — so `Config` itself does no I/O. Immutable.
public struct ConfigSources: Sendable {
  /// Why a file could not be read, in words ("No such file or directory").
  public struct ReadFailure: Error, Sendable, Equatable {
    public let reason: String

    public init(reason: String) { self.reason = reason }
  }

  /// A whole file's bytes, or why not; more than `limit` bytes is a failure.
  public typealias FileReader = @Sendable (_ path: String, _ limit: Int) -> Result<[UInt8], ReadFailure>
  /// Every address of `host` (numeric or a name) with `port`; empty when it does not resolve.
  public typealias Resolver = @Sendable (_ host: String, _ port: UInt16) -> [SocketAddress]

  public let environment: [String: String]
  public let readFile: FileReader
  public let resolve: Resolver
  /// What `[server] workers = 0` (the default) becomes; at least 1.
  public let onlineCores: Int
  /// `gatehouse check --skip-secrets`: when set, `env:` and `file:` secrets are not resolved —
  /// each is reported here instead (a warning for the caller) and stands in as a placeholder, so
  /// a pipeline without the secrets still validates everything else. Nil: resolve them.
  public var skippedSecret: (@Sendable (ConfigIssue) -> Void)?

  public init(
    environment: [String: String], readFile: @escaping FileReader, resolve: @escaping Resolver,
    onlineCores: Int
  ) {
    self.environment = environment
    self.readFile = readFile
    self.resolve = resolve
    self.onlineCores = min(max(onlineCores, 1), ServerSettings.maxWorkers)
  }
}
