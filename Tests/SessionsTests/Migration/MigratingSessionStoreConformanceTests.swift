import Sessions
import XCTest

/// The shared `SessionStoreConformance` suite against `MigratingSessionStore` in every mode and
/// write requirement, over two memory stores (the composition is what is under test; the Redis
/// pairs run in `MigratingRedisConformanceTests`).
final class MigratingSessionStoreConformanceTests: XCTestCase {
  static let settings: [MigrationSetting] = [
    .off, MigrationSetting(mode: .shadow), MigrationSetting(mode: .dual),
    MigrationSetting(mode: .split, percentage: 0), MigrationSetting(mode: .split, percentage: 10),
    MigrationSetting(mode: .split, percentage: 50), MigrationSetting(mode: .split, percentage: 100),
    MigrationSetting(mode: .complete),
  ]

  func testConformanceInEveryMode() {
    for requirement in [MigrationWriteRequirement.primary, .both] {
      for setting in Self.settings {
        SessionStoreConformance(
          makeStore: {
            MigratingSessionStore(
              from: MemorySessionStore(), to: MemorySessionStore(),
              control: MigrationControl(initial: setting, drainWindow: 3_600_000_000_000, clock: FakeClock()),
              require: requirement, clock: FakeClock())
          }, waitUntil: { _ in }, usesInjectedTime: true
        ).run()
      }
    }
  }

  /// `complete` after its drain window: `to` alone.
  func testConformanceAfterTheDrainWindow() {
    let clock = FakeClock()
    SessionStoreConformance(
      makeStore: {
        let control = MigrationControl(
          initial: MigrationSetting(mode: .complete), drainWindow: 10, clock: clock.read)
        clock.advance(by: 11)
        return MigratingSessionStore(
          from: MemorySessionStore(), to: MemorySessionStore(), control: control, clock: clock.read)
      }, waitUntil: { _ in }, usesInjectedTime: true
    ).run()
  }
}
