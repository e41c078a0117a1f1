import Config
import Net

/// A world without I/O for the loader: the given environment, files from a table (anything else
/// is "No such file or directory", as the real reader says), numeric addresses plus `names`,
/// and a fixed core count (1, the `ServerSettings` default, so an empty file equals
/// `GatehouseConfig()`).
func testSources(
  environment: [String: String] = [:], files: [String: String] = [:],
  names: [String: IPAddress] = [:], onlineCores: Int = 1
) -> ConfigSources {
  ConfigSources(
    environment: environment,
    readFile: { path, limit in
      guard let text = files[path] else {
        return .failure(ConfigSources.ReadFailure(reason: "No such file or directory"))
      }
      let bytes = Array(text.utf8)
      guard bytes.count <= limit else {
        return .failure(ConfigSources.ReadFailure(reason: "file is larger than \(limit) bytes"))
      }
      return .success(bytes)
    },
    resolve: { host, port in
      guard let ip = IPAddress(host) ?? names[host] else { return [] }
      return [SocketAddress(ip: ip, port: port)]
    },
    onlineCores: onlineCores)
}
