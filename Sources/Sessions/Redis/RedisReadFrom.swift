/// Where session lookups are read from (`[redis] read_from`). Immutable.
public enum RedisReadFrom: String, Sendable, CaseIterable {
  /// Every command goes to the master.
  case master
  /// Lookups go to a replica when one is reachable; a replica's miss, failure or late answer is
  /// retried on the master once. Writes and every other script always go to the master.
  case replicaPreferred = "replica_preferred"
}

/// Which path answered one `RedisSessionStore.load` (for the per-source metrics). Immutable.
public enum RedisLoadPath: Sendable, Equatable {
  /// Read from the master only (`read_from = master`, or no replica known).
  case master
  /// A replica answered with a session or a forwarding.
  case replica
  /// The replica had nothing; the master answered.
  case masterAfterReplicaMiss
  /// The replica failed or was late; the master answered (or failed too).
  case masterAfterReplicaFailure

  /// The node role that gave the final answer.
  public var source: RedisReadTarget { self == .replica ? .replica : .master }
}
