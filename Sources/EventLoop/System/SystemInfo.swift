import Glibc

/// Facts about the machine, read once at configuration time. Stateless, thread-safe.
public enum SystemInfo {
  /// `sysconf(_SC_NPROCESSORS_ONLN)`: the cores online now (at least 1).
  public static func onlineCores() -> Int {
    max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
  }
}
