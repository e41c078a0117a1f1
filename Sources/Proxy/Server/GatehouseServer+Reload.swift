import Config

extension GatehouseServer {
  func refuseReload(_ reason: String) {
    log.warning(
      "configuration reload refused, nothing applied: \(reason)",
      metadata: ["event": "config_reload", "result": "refused"])
    metrics.configReloadRefused()
  }

  /// Every worker (on its loop) and the admin API move to the reloaded session service; a
  /// request already being authenticated finishes with the service it started with.
  func applySessions(_ sessions: SessionService) {
    sessionService = sessions
    currentSessions.set(sessions)
    for worker in workers {
      let redis = sessions.settings.redis
      worker.loop.execute {
        worker.sessionAuthenticator?.service = sessions
        worker.sessionLifecycle?.service = sessions
        if let redis {
          worker.sessionAuthenticator?.staleGrace = UInt64(redis.staleGrace.nanoseconds)
          // The [redis] store's backend; a migration's target keeps its own settings.
          for backend in worker.redisBackends where backend.settings.endpoint == redis.endpoint {
            backend.apply(redis)
          }
        }
      }
    }
    adminEndpoints.sessionAdmin.withLock { admin in
      admin = admin.map { SessionAdmin(service: sessions, runner: $0.runner, events: $0.events) }
    }
    if let retired = sessions.retiredCookie {
      log.info(
        "session cookie renamed; \(retired.name) is still read until every session issued under it ended",
        metadata: ["event": "config_reload"])
    }
  }

  /// A reload changes a migration's mode and percentage (when the file's changed); its stores and
  /// other keys need a restart.
  func reloadMigration(_ migration: MigrationCoordinator, _ session: SessionSettings?) {
    guard let session, let settings = session.migration,
      MigrationIdentity(settings: session) == migration.identity
    else {
      log.warning(
        "the session migration's stores changed or it was removed: that needs a restart; kept the running migration",
        metadata: ["event": "config_reload"])
      return
    }
    let running = migration.settings
    if settings.require != running.require || settings.drainWindow != running.drainWindow
      || settings.thresholds != running.thresholds
    {
      log.warning(
        "[session.migration] require, drain_window and step_back_* changes need a restart; kept the running values",
        metadata: ["event": "config_reload"])
    }
    migration.reloaded(settings)
  }
}
