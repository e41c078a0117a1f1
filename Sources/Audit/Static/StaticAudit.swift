public import Config

/// Every static check, in one list, and the run over a configuration. Checks judge the validated
/// `GatehouseConfig` only: no network, no files, no clock (docs/security.md lists what each one
/// proves and what it cannot). Stateless.
public enum StaticAudit {
  public static let checks: [StaticCheck] =
    GenerationChecks.all + StorageChecks.all + TransportChecks.all + ValidationChecks.all + ExpiryChecks.all
    + DeploymentChecks.all

  public static func run(_ config: GatehouseConfig) -> [CheckResult] {
    checks.map { $0.run(config) }
  }
}
