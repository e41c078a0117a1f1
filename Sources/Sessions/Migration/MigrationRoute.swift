/// How one store call is carried out under the setting in force (docs/migration.md §2): which
/// store answers it (the primary) and what the other store gets. Pure value.
///
/// | setting | primary | the other store |
/// |---|---|---|
/// | off | from | `deletions`: logouts, revocations and rotations are sent to `to` as well |
/// | shadow | from | `background`: writes mirrored without waiting; sessions read from `from` and missing in `to` are copied |
/// | dual | from | `mirrored`: writes per `require`; reads from both, compared |
/// | split | `to` for users with bucket < percentage, else `from` | `mirrored` |
/// | complete, draining | to | `drain`: reads `to` missed or failed go to `from` (and are copied); deletions go to `from` too |
/// | complete, drained | to | nothing |
struct MigrationRoute: Equatable {
  enum Secondary: Equatable {
    case none
    /// `off` with a target configured: a replica that has not yet followed a change to `shadow`
    /// must not leave a session it logs out (or rotates away) alive in `to`, where the replicas
    /// already in `shadow` copy sessions (docs/migration.md §2).
    case deletions
    case background
    case mirrored
    case drain
  }

  let primary: MigrationStoreRole
  let secondary: Secondary

  var other: MigrationStoreRole { primary == .from ? .to : .from }

  /// `bucket` is asked for only in `split` (hashing the key costs a pass over it).
  static func plan(_ setting: MigrationSetting, draining: () -> Bool, bucket: () -> Int) -> MigrationRoute {
    switch setting.mode {
    case .off: MigrationRoute(primary: .from, secondary: .deletions)
    case .shadow: MigrationRoute(primary: .from, secondary: .background)
    case .dual: MigrationRoute(primary: .from, secondary: .mirrored)
    case .split:
      MigrationRoute(primary: setting.toAnswers(bucket: bucket()) ? .to : .from, secondary: .mirrored)
    case .complete: MigrationRoute(primary: .to, secondary: draining() ? .drain : .none)
    }
  }
}
