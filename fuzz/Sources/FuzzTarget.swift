/// The fuzz targets, one per parser or decoder that reads untrusted bytes. Each `run` returns
/// normally for every input and stops the process (`FuzzCheck.fail`) when a property breaks:
/// a crash, an out-of-bounds offset, a result that differs between feeding the input whole and
/// in pieces, or a value that does not survive its own serialisation. Stateless.
enum FuzzTarget: String, CaseIterable {
  case requestHead = "request-head"
  case responseHead = "response-head"
  case chunked
  case toml
  case json
  case cookie
  case setCookie = "set-cookie"
  case ticket
  case jws
  case methodOverride = "method-override"

  func run(_ data: UnsafeRawBufferPointer) {
    switch self {
    case .requestHead: HeadFuzz.request(data)
    case .responseHead: HeadFuzz.response(data)
    case .chunked: ChunkedFuzz.run(data)
    case .toml: ConfigFuzz.run(data)
    case .json: JSONFuzz.run(data)
    case .cookie: CookieFuzz.cookieHeader(data)
    case .setCookie: CookieFuzz.setCookie(data)
    case .ticket: TicketFuzz.run(data)
    case .jws: JWSFuzz.run(data)
    case .methodOverride: MethodOverrideFuzz.run(data)
    }
  }
}
