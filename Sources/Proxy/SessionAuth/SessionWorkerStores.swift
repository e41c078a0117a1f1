import Sessions

/// What one worker's session routes use: its store (the shared memory store, its Redis store
/// behind a breaker, or a `MigratingSessionStore` over two stores), the Redis backends to start
/// on its loop, and where the authenticator learns whether the store is in an outage.
/// Built on the main thread, then used on the worker's loop only.
struct SessionWorkerStores {
  let store: any SessionStore
  let backends: [RedisWorkerBackend]
  let outage: (any SessionStoreOutage)?
}
