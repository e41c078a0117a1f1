import Codecs

/// `/health`'s verdict: the status, each component's and the stats behind the thresholds.
/// Immutable.
struct HealthReport: Sendable, Equatable {
  enum Status: String, Sendable, Comparable {
    case healthy, degraded, unhealthy

    static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    private var rank: Int {
      switch self {
      case .healthy: 0
      case .degraded: 1
      case .unhealthy: 2
      }
    }
  }

  struct Component: Sendable, Equatable {
    let name: String
    let status: Status
    /// Operator-readable; nil when healthy.
    let detail: String?
    /// Extra numbers shown with it (key age, probe latency).
    var numbers: [(String, Double)] = []

    static func == (a: Component, b: Component) -> Bool {
      a.name == b.name && a.status == b.status && a.detail == b.detail
        && a.numbers.elementsEqual(b.numbers) { $0.0 == $1.0 && $0.1 == $1.1 }
    }
  }

  let status: Status
  /// One line per component that is not healthy (`component: detail`).
  let reasons: [String]
  let components: [Component]
  /// The stats behind the thresholds, in a fixed order (`store_p99_ms`, …); a missing value
  /// (too few samples) is absent.
  let stats: [(String, Double)]

  static func == (a: HealthReport, b: HealthReport) -> Bool {
    a.status == b.status && a.reasons == b.reasons && a.components == b.components
      && a.stats.elementsEqual(b.stats) { $0.0 == $1.0 && $0.1 == $1.1 }
  }

  /// The JSON body: `{"status":…,"reasons":[…],"components":{name:{"status":…,…}},"stats":{…}}`.
  func json() -> [UInt8] {
    var out: [UInt8] = Array("{\"status\":".utf8)
    JSONString.append(status.rawValue, to: &out)
    out += Array(",\"reasons\":[".utf8)
    for (index, reason) in reasons.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      JSONString.append(reason, to: &out)
    }
    out += Array("],\"components\":{".utf8)
    for (index, component) in components.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      JSONString.append(component.name, to: &out)
      out += Array(":{\"status\":".utf8)
      JSONString.append(component.status.rawValue, to: &out)
      if let detail = component.detail {
        out += Array(",\"detail\":".utf8)
        JSONString.append(detail, to: &out)
      }
      for (name, value) in component.numbers { Self.member(name, value, &out) }
      out.append(UInt8(ascii: "}"))
    }
    out += Array("},\"stats\":{".utf8)
    for (index, (name, value)) in stats.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      Self.member(name, value, &out, leadingComma: false)
    }
    out += Array("}}\n".utf8)
    return out
  }

  /// `,"name":value` with a finite number (3 decimals at most).
  private static func member(_ name: String, _ value: Double, _ out: inout [UInt8], leadingComma: Bool = true)
  {
    if leadingComma { out.append(UInt8(ascii: ",")) }
    JSONString.append(name, to: &out)
    out.append(UInt8(ascii: ":"))
    let rounded = value.isFinite ? (value * 1000).rounded() / 1000 : 0
    out += Array(String(rounded).utf8)
  }
}
