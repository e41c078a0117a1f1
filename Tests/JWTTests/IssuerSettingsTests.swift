import JWT
import XCTest

final class IssuerSettingsTests: XCTestCase {
  func testRefusedSettingsTable() {
    let cases: [(name: String, make: () throws -> IssuerSettings)] = [
      (
        "HS256 allowed",
        { try IssuerSettings(issuer: "i", audiences: ["a"], algorithms: ["RS256", "HS256"]) }
      ),
      ("none allowed", { try IssuerSettings(issuer: "i", audiences: ["a"], algorithms: ["none"]) }),
      ("RS512 not implemented", { try IssuerSettings(issuer: "i", audiences: ["a"], algorithms: ["RS512"]) }),
      ("no algorithms", { try IssuerSettings(issuer: "i", audiences: ["a"], algorithms: []) }),
      ("empty issuer", { try IssuerSettings(issuer: "", audiences: ["a"]) }),
      ("no audiences", { try IssuerSettings(issuer: "i", audiences: []) }),
      ("empty audience", { try IssuerSettings(issuer: "i", audiences: [""]) }),
      ("negative leeway", { try IssuerSettings(issuer: "i", audiences: ["a"], leeway: -1) }),
      ("tiny token limit", { try IssuerSettings(issuer: "i", audiences: ["a"], maxTokenBytes: 10) }),
    ]
    for c in cases {
      XCTAssertThrowsError(try c.make(), c.name)
    }
  }

  func testDefaults() throws {
    let settings = try IssuerSettings(issuer: "i", audiences: ["a"])
    XCTAssertEqual(settings.algorithms, ["RS256"])
    XCTAssertEqual(settings.leeway, 30)
    XCTAssertEqual(settings.maxTokenBytes, 8192)
  }
}
