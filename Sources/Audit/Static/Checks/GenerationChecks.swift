import Config

/// Checks on what session tickets are made from: the signing keys. A ticket's id and secret come
/// from the CSPRNG (the live `GH-PROBE-IDS` probe measures them); what the configuration decides
/// is the key that makes forging a ticket impossible.
enum GenerationChecks {
  static let all = [keysPresent, keysRandom, keysDistinct]

  static let keysPresent = StaticCheck(
    "GH-GEN-001", "Session signing keys are present and at least 32 bytes", .generation, .critical,
    recommendation:
      "Set [session] keys to at least one secret of 32 random bytes or more, e.g. keys = [\"env:GATEHOUSE_SESSION_KEY\"] with the output of `head -c 32 /dev/urandom | base64`."
  ) { config in
    StaticCheck.session(config) { session in
      guard !session.keys.isEmpty else { return .failed("[session] keys is empty: tickets cannot be signed") }
      let problems = session.keys.enumerated().compactMap { index, key in
        key.revealed.utf8.count < SecretStrength.minimumBytes
          ? "keys[\(index)]: \(key.revealed.utf8.count) bytes, at least \(SecretStrength.minimumBytes) needed"
          : nil
      }
      return .judging(
        problems,
        passing: session.keys.enumerated().map { "keys[\($0)]: \($1.revealed.utf8.count) bytes" })
    }
  }

  static let keysRandom = StaticCheck(
    "GH-GEN-002", "Session signing keys look random", .generation, .critical,
    recommendation:
      "Replace every weak key with fresh random bytes (`head -c 32 /dev/urandom | base64`); put the new key first in keys and drop the old one after absolute_timeout."
  ) { config in
    StaticCheck.session(config) { session in
      var secrets = session.keys.enumerated().map { ("keys[\($0)]", $1) }
      if let tag = session.userTagKey { secrets.append(("user_tag_key", tag)) }
      var problems: [String] = []
      var passing: [String] = []
      for (name, secret) in secrets {
        let strength = SecretStrength(secret.revealed)
        if strength.problems.isEmpty {
          passing.append("\(name): \(strength.summary)")
        } else {
          problems.append("\(name): " + strength.problems.joined(separator: "; "))
        }
      }
      return .judging(problems, passing: passing)
    }
  }

  static let keysDistinct = StaticCheck(
    "GH-GEN-003", "Session keys are distinct and used for nothing else", .generation, .high,
    recommendation:
      "Give every signing key, the admin token and the Redis password its own random value; a secret shared between purposes leaks through the weakest of them."
  ) { config in
    StaticCheck.session(config) { session in
      var named = session.keys.enumerated().map { ("[session] keys[\($0)]", $1.revealed) }
      if let tag = session.userTagKey, !session.keys.contains(tag) {
        named.append(("[session] user_tag_key", tag.revealed))
      }
      if let token = config.admin.token { named.append(("[admin] token", token.revealed)) }
      if let password = session.redis?.password { named.append(("[redis] password", password.revealed)) }
      var problems: [String] = []
      for i in named.indices {
        for j in named.indices where j > i && named[i].1 == named[j].1 {
          problems.append("\(named[i].0) and \(named[j].0) have the same value")
        }
      }
      return .judging(problems, passing: ["\(named.count) secrets, all different"])
    }
  }
}
