/// Bridges "answer now or later" for stores that complete either synchronously (memory) or later
/// on the same loop (Redis): `run` returns the outcome when the body finished before returning,
/// and otherwise arranges for `resume` to receive it. Inlinable, so the per-request callers in
/// Proxy get it specialised rather than through the generic entry point. Loop-thread only.
public enum Deferred {
  @inlinable
  public static func run<T>(_ resume: @escaping (T) -> Void, _ body: (@escaping (T) -> Void) -> Void) -> T? {
    let box = DeferredBox<T>()
    body { value in
      if box.returned {
        resume(value)
      } else {
        box.value = value
      }
    }
    box.returned = true
    return box.value
  }
}

/// The value a synchronous completion left for `Deferred.run`. Loop-thread only.
@usableFromInline
final class DeferredBox<T> {
  @usableFromInline var value: T?
  @usableFromInline var returned = false

  @usableFromInline init() {}
}
