import EventLoop
import HTTP1

/// Pieces both head-writing phases write. Loop-thread only (they write into a connection's buffer).
enum HeadWriter {
  /// `connection: upgrade` and the head's own `Upgrade` fields, for a tunnel (WebSocket) hop.
  static func appendUpgrade(_ fields: [HTTPField], _ bytes: UnsafeRawBufferPointer, into out: ByteBuffer)
    -> Bool
  {
    var ok = out.append("connection: upgrade\r\n")
    for field in fields where field.flags.contains(.upgrade) {
      ok = ok && out.append("upgrade: ") && out.append(field.value(in: bytes)) && out.append("\r\n")
    }
    return ok
  }
}
