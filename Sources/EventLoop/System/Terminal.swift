import Glibc

/// Whether a descriptor is a terminal (`isatty`): command-line output decides on colour (audit)
/// and on a redrawn progress bar (migrate).
/// Thread-safe (no state).
public enum Terminal {
  public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
