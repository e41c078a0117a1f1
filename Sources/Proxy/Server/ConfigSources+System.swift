public import Config
import EventLoop
import Net

extension ConfigSources {
  /// The real world for `ConfigLoader`: files read with `ConfigFileReader`, host names resolved
  /// with the system resolver, the cores online now. Blocking: start-up and reload only.
  public static func system(environment: [String: String]) -> ConfigSources {
    ConfigSources(
      environment: environment,
      readFile: { path, limit in
        ConfigFileReader.read(path, limit: limit).mapError { ConfigSources.ReadFailure(reason: $0.reason) }
      },
      resolve: { host, port in SocketAddress.resolve(host: host, port: port) },
      onlineCores: SystemInfo.onlineCores())
  }
}

extension ConfigLoader {
  /// Reads and validates the file at `path` with the real sources (`ConfigSources.system`).
  public static func load(path: String, environment: [String: String]) -> Result<
    GatehouseConfig, ConfigErrors
  > {
    load(path: path, sources: .system(environment: environment))
  }
}
