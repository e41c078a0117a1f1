public import Net

/// `[tracing]` (docs/operations.md §5): which requests are sampled and where their spans go.
/// `parent_based_ratio`: a continued trace keeps its parent's sampled flag; a trace Gatehouse
/// starts is sampled with probability `ratio`. Spans are exported over OTLP/HTTP (protobuf JSON)
/// to `otlp_endpoint` when one is set. Immutable.
public struct TracingSettings: Sendable, Equatable {
  public enum Sampler: String, Sendable, Equatable {
    case parentBasedRatio = "parent_based_ratio"
  }

  public let sampler: Sampler
  /// 0…1, for new traces.
  public let ratio: Double
  /// The collector (numeric once loaded) and the request path (`/v1/traces`); nil = no export.
  public let otlpAddress: SocketAddress?
  public let otlpPath: String
  /// The `Host` header sent to the collector (the endpoint's host as written).
  public let otlpHost: String
  /// `service.name` of the exported resource.
  public let serviceName: String
  /// Spans waiting for export at most; more are dropped and counted.
  public let maxQueue: Int
  /// Put the authenticated user id on the server span (`enduser.id`); off by default: a span
  /// leaves this system.
  public let recordUserID: Bool

  public init(
    sampler: Sampler = .parentBasedRatio, ratio: Double = 1.0, otlpAddress: SocketAddress? = nil,
    otlpPath: String = "/v1/traces", otlpHost: String = "", serviceName: String = "gatehouse",
    maxQueue: Int = 2048, recordUserID: Bool = false
  ) {
    self.recordUserID = recordUserID
    self.sampler = sampler
    self.ratio = ratio
    self.otlpAddress = otlpAddress
    self.otlpPath = otlpPath
    self.otlpHost = otlpHost
    self.serviceName = serviceName
    self.maxQueue = maxQueue
  }
}
