import Glibc

/// Whether a descriptor is a terminal (`isatty`): progress output draws a bar on a terminal and
/// prints plain lines otherwise. Thread-safe (no state).
public enum Terminal {
  public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
