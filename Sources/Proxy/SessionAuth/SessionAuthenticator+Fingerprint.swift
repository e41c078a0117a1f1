import Sessions

extension SessionAuthenticator {
  /// Fingerprint binding, next to the IP and User-Agent binding (`SessionPolicy.evaluate`): a
  /// session whose fingerprinted headers changed beyond `fingerprint_min_similarity` is refused
  /// as a binding mismatch, with the names of the changed headers in the security event — never
  /// their values (docs/vault.md). Costs one nil check when the record has no fingerprint or
  /// the binding is off.
  func fingerprintRefusal(_ request: AuthRequest, ticket: SessionTicket, record: SessionRecord)
    -> AuthOutcome?
  {
    guard record.binding.fingerprint != nil, !request.fingerprint.isEmpty,
      let changed = service.policy.fingerprintRefusal(record, values: request.fingerprint)
    else { return nil }
    service.metrics.bindingMismatch()
    service.events?.suspicious(
      "binding_mismatch", clientIP: request.clientIP, session: ticket,
      expected: "fingerprint similarity >= \(service.policy.fingerprintMinSimilarity)",
      seen: "fingerprint changed: " + changed.joined(separator: ", "))
    return unauthenticated(request, clearCookie: false, reason: "binding_mismatch:fingerprint")
  }
}
