/// A value kept out of line, so that a context that does not need it stays small.
final class Boxed<Value> {
  let value: Value
  init(_ value: Value) { self.value = value }
}
