public import Config
public import HTTP1

/// One `[[route]]` entry, compiled for byte-level matching. Immutable.
public struct CompiledRoute: Sendable {
  public let name: String
  let pathBytes: [UInt8]
  let exact: Bool
  /// Bit i set = `HTTPMethod(rawValue: i)` allowed; nil = every method.
  let methodMask: UInt32?
  /// Extension methods (not in `HTTPMethod`) the route allows, upper-case bytes.
  let otherMethods: [[UInt8]]
  public let auth: AuthPolicy
  public let onUnauthenticated: UnauthenticatedAction
  /// The route's `require` rule, judged after authentication (`RequirePhase`).
  public let require: AccessRule?

  public init(
    name: String, path: String, exact: Bool, methods: [String], auth: AuthPolicy,
    onUnauthenticated: UnauthenticatedAction = .auto, require: AccessRule? = nil
  ) {
    self.require = require
    self.onUnauthenticated = onUnauthenticated
    self.name = name
    self.pathBytes = Array(path.utf8)
    self.exact = exact
    self.auth = auth
    if methods.isEmpty {
      methodMask = nil
      otherMethods = []
    } else {
      var mask: UInt32 = 0
      var others: [[UInt8]] = []
      for method in methods {
        if let known = CompiledRoute.knownMethod(method) {
          mask |= 1 << UInt32(known.rawValue)
        } else {
          others.append(Array(method.utf8))
        }
      }
      methodMask = mask
      otherMethods = others
    }
  }

  static func knownMethod(_ name: String) -> HTTPMethod? {
    switch name {
    case "GET": return .get
    case "HEAD": return .head
    case "POST": return .post
    case "PUT": return .put
    case "DELETE": return .delete
    case "PATCH": return .patch
    case "OPTIONS": return .options
    case "CONNECT": return .connect
    case "TRACE": return .trace
    default: return nil
    }
  }

  @inline(__always)
  func matches(path: UnsafeRawBufferPointer, method: HTTPMethod, methodName: UnsafeRawBufferPointer) -> Bool {
    if exact {
      guard path.count == pathBytes.count else { return false }
    } else {
      guard path.count >= pathBytes.count else { return false }
    }
    let equal = pathBytes.withUnsafeBytes { own -> Bool in
      own.count == 0 || memcmpBytes(own.baseAddress!, path.baseAddress!, own.count)
    }
    guard equal else { return false }
    guard let mask = methodMask else { return true }
    if method != .other { return mask & (1 << UInt32(method.rawValue)) != 0 }
    for other in otherMethods where other.count == methodName.count {
      if other.withUnsafeBytes({ memcmpBytes($0.baseAddress!, methodName.baseAddress!, other.count) }) {
        return true
      }
    }
    return false
  }
}

@inline(__always)
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
  var i = 0
  while i < count {
    if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
    i += 1
  }
  return true
}

/// Ordered routes; the first match wins. No match means deny (401): nothing is open unless a
/// route says so. Immutable.
public struct RouteTable: Sendable {
  public let routes: [CompiledRoute]

  public init(_ routes: [CompiledRoute]) { self.routes = routes }

  /// Index of the first matching route, or -1.
  @inline(__always)
  public func match(path: UnsafeRawBufferPointer, method: HTTPMethod, methodName: UnsafeRawBufferPointer)
    -> Int
  {
    var i = 0
    while i < routes.count {
      if routes[i].matches(path: path, method: method, methodName: methodName) { return i }
      i += 1
    }
    return -1
  }
}
