/// Answer of `SessionStore.create`.
public enum CreateOutcome: Sendable, Equatable {
  /// Stored. `evicted`: store keys of sessions dropped to respect the cap (least recently used
  /// first); the caller invalidates them in its L1 cache.
  case created(evicted: [String])
  /// `onLimit == .rejectNew` and the user already has `maxPerUser` live sessions. Nothing changed.
  case rejectedLimitReached
}

/// Answer of `SessionStore.load`.
public enum LoadOutcome: Sendable, Equatable {
  /// Live session (its summary's `lastAccess`/`expiresAt` are the store's, newer than the sealed
  /// record's after touches).
  case found(StoredSession)
  /// The key was rotated away less than its grace period ago: `forward` (opened with the old ticket,
  /// `SealedRecord.openForwarding(with:)`) names the successor, stored under `newStoreKey`. The caller
  /// must load `newStoreKey` (it may since have been destroyed).
  case forwarded(newStoreKey: String, forward: SealedRecord)
  /// Unknown, expired, destroyed, revoked, or a forwarding whose grace ran out.
  case notFound
}

/// Answer of `SessionStore.touch`.
public enum TouchOutcome: Sendable, Equatable {
  /// The deadline moved forward.
  case touched
  /// Already at or past the requested deadline (another worker or replica touched first).
  case unchanged
  case notFound
}

/// Answer of `SessionStore.rotate`.
public enum RotateOutcome: Sendable, Equatable {
  /// This call rotated: `newKey` holds the new session, `oldKey` forwards to it for the grace.
  case rotated
  /// A concurrent rotation of the same old key won: use its successor (open `forward` with the old
  /// ticket) instead of the caller's; the caller's new session was NOT stored.
  case alreadyRotated(newStoreKey: String, forward: SealedRecord)
  /// The old key is gone (expired, destroyed, or its forwarding grace ran out).
  case notFound
}
