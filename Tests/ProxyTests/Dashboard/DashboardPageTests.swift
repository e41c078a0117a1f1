import XCTest

@testable import Proxy

final class DashboardPageTests: XCTestCase {
  private let page = DashboardPage()
  private var text: String { String(decoding: page.html, as: UTF8.self) }

  func testHashesSkipCommentsThatMentionTheTags() {
    let html = Array(
      "<!-- one <script> and one <style> below --><style>body{}</style><script>let a = 1;</script>".utf8)
    XCTAssertEqual(
      DashboardPage.hashes(of: "script", in: html), ["xY6QKfH9PRsQnLz56nj6MBwiK5oHg+im1Jkpdp1x/Ck="])
    XCTAssertEqual(
      DashboardPage.hashes(of: "style", in: html), ["fJgEClQWV1hGkK4qHMO0KotTsVnMYMXTq7/suurGyUo="])
    XCTAssertEqual(DashboardPage.hashes(of: "script", in: Array("<p>none</p>".utf8)), [])
    let bare = DashboardPage(html: Array("<p>static</p>".utf8))
    XCTAssertTrue(bare.contentSecurityPolicy.contains("script-src 'none'"), bare.contentSecurityPolicy)
  }

  func testThePolicyAllowsExactlyThePagesOwnScriptAndStyle() throws {
    let policy = page.contentSecurityPolicy
    let directives = Dictionary(
      uniqueKeysWithValues: policy.split(separator: ";").map { part -> (String, String) in
        let words = part.split(separator: " ", maxSplits: 1).map(String.init)
        return (words[0], words.count > 1 ? words[1] : "")
      })
    XCTAssertEqual(directives["default-src"], "'none'")
    XCTAssertEqual(directives["connect-src"], "'self'")
    XCTAssertEqual(directives["frame-ancestors"], "'none'")
    XCTAssertEqual(directives["form-action"], "'none'")
    XCTAssertEqual(directives["require-trusted-types-for"], "'script'")
    for tag in ["script", "style"] {
      let hashes = DashboardPage.hashes(of: tag, in: page.html)
      XCTAssertEqual(hashes.count, 1, "one inline \(tag)")
      XCTAssertEqual(directives["\(tag)-src"], "'sha256-\(hashes[0])'")
    }
    XCTAssertFalse(policy.contains("unsafe"), policy)
  }

  func testThePageIsSmallAndSelfContained() {
    XCTAssertLessThan(page.html.count, 40 * 1024, "the issue's budget: under 40 KiB served")
    let forbidden: [(String, String)] = [
      (#"\son[a-z]+\s*="#, "inline event handler (blocked by the policy)"),
      (#"\sstyle\s*="#, "style attribute (blocked by the policy)"),
      (#"innerHTML|outerHTML|insertAdjacentHTML|document\.write"#, "HTML from strings (Trusted Types)"),
      (#"(src|href)\s*=\s*"(https?:)?//"#, "a resource from another origin"),
      (#"@import|url\("#, "a stylesheet resource"),
      (#"\beval\(|new Function"#, "eval"),
    ]
    for (pattern, what) in forbidden {
      XCTAssertNil(text.range(of: pattern, options: .regularExpression), "\(what): /\(pattern)/")
    }
  }

  func testResponseHeaders() {
    let response = page.response
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(response.contentType, "text/html; charset=utf-8")
    let headers = Dictionary(uniqueKeysWithValues: response.extraHeaders.map { ($0.0, $0.1) })
    XCTAssertEqual(headers["Content-Security-Policy"], page.contentSecurityPolicy)
    XCTAssertEqual(headers["X-Content-Type-Options"], "nosniff")
    XCTAssertEqual(headers["X-Frame-Options"], "DENY")
    XCTAssertEqual(headers["Referrer-Policy"], "no-referrer")
  }
}
