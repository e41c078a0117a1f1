import Glibc

/// Facts about the machine, read once at configuration time. Stateless, thread-safe.
public enum SystemInfo {
  /// `sysconf(_SC_NPROCESSORS_ONLN)`: the cores online now (at least 1).
  public static func onlineCores() -> Int {
    max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
  }
}

extension SystemInfo {
  /// This process's resident set size in bytes (`/proc/self/statm`, second field, times the
  /// page size); nil where procfs is missing. A procfs read is answered from kernel memory and
  /// never waits on a device, so the admin loop may call it once per dashboard refresh.
  public static func residentBytes() -> Int? {
    guard let statm = try? File.readAll(path: "/proc/self/statm", limit: 4096) else { return nil }
    let fields = statm.split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
    return pages * max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
  }
}
