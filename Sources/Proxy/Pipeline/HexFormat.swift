import Codecs
import EventLoop

/// The pipeline's names for the shared hex forms (`Codecs.Hex`, `ByteBuffer.appendHex64`):
/// lower-case, fixed width, written straight into a buffer (no String on the hot path).
enum HexFormat {
  @inline(__always)
  static func digit(_ nibble: UInt64) -> UInt8 { Hex.digit(UInt8(truncatingIfNeeded: nibble)) }

  /// Appends `value` as 16 hex digits. Returns false if it does not fit.
  @discardableResult @inline(__always)
  static func append64(_ value: UInt64, to buffer: ByteBuffer) -> Bool { buffer.appendHex64(value) }

  static func string64(_ value: UInt64) -> String { Hex.string64(value) }
}
