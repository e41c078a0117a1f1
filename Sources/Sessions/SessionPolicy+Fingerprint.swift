extension SessionPolicy {
  /// The fingerprint check, after `evaluate` (docs/vault.md, "Fingerprint binding"): nil when the
  /// record carries no fingerprint, fingerprinting is off, or enough headers are unchanged;
  /// otherwise the names of the changed headers (for the security event, never their values).
  /// `values[i]` is the request's value of `bindFingerprint[i]` (nil: absent).
  public func fingerprintRefusal(_ record: SessionRecord, values: [[UInt8]?]) -> [String]? {
    guard let fingerprint = record.binding.fingerprint, !bindFingerprint.isEmpty,
      values.count == bindFingerprint.count
    else { return nil }
    let (changed, compared) = fingerprint.changedHeaders { header in
      guard let index = bindFingerprint.firstIndex(of: header) else { return nil }
      return .some(values[index])
    }
    if changed.isEmpty { return nil }
    let similarity = SessionFingerprint.similarity(compared: compared, changed: changed.count)
    return similarity >= fingerprintMinSimilarity ? nil : changed
  }
}
