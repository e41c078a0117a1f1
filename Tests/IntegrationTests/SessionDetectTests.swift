import Foundation
import XCTest

/// `[session.detect]` through the built binary: an app that knows nothing of Gatehouse answers a
/// real urlencoded form post; Gatehouse recognises the login by its answer, creates the session,
/// vaults the app's cookie, and ends the session when the app answered the logout path.
final class SessionDetectTests: SessionVaultTestCase {
  private func startDetecting() throws -> GatehouseProcess {
    try startSessionGatehouse(
      session: Self.vault + [
        "[session.detect]",
        "login_method = \"POST\"",
        "login_path = \"/pub/respond-with\"",
        "success_status = [200]",
        "success_cookie = \"JSESSIONID\"",
        "success_location = \"/home\"",
        "user_field = \"username\"",
        "logout_path = \"/app/bye\"",
        "[[route]]", "path_prefix = \"/pub/\"", "auth = \"public\"",
      ])
  }

  private let form = Array("csrf=x&username=alice%40example.org&password=s3cret%21+pw".utf8)
  private let formHeaders = [("Content-Type", "application/x-www-form-urlencoded")]

  func testDetectedLoginFromAFormPostVaultsTheCookieAndLogoutEndsIt() throws {
    let gatehouse = try startDetecting()
    let target =
      "/pub/respond-with?h=Location%3A%20%2Fhome%2F&h=Set-Cookie%3A%20JSESSIONID%3Dlegacy42%3B%20Path%3D%2F"
    let (response, forwarded) = try request(
      gatehouse, "POST", target, ticket: nil, headers: formHeaders, body: form)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertEqual(forwarded?.body, form, "the login form reached the app byte for byte")
    XCTAssertEqual(setCookieNames(response), [Self.cookieName], "a session, and the app's cookie withheld")
    let ticket = cookieValue(try XCTUnwrap(sessionSetCookie(response, "detected login")))

    let (page, seen) = try request(gatehouse, "GET", "/app/page", ticket: ticket)
    XCTAssertEqual(page.status, 200)
    XCTAssertEqual(appCookies(seen), "JSESSIONID=legacy42")
    XCTAssertEqual(seen?.headers.value("X-User-Id"), "alice@example.org")
    XCTAssertFalse(gatehouse.logs.contains("s3cret"), "the password in the logs")

    let (bye, _) = try request(gatehouse, "GET", "/app/bye", ticket: ticket)
    XCTAssertEqual(bye.status, 200)
    XCTAssertEqual(cookieAttributes(try XCTUnwrap(sessionSetCookie(bye, "logout")))["max-age"], "0")
    XCTAssertFalse(try isAlive(gatehouse, ticket, "after the detected logout"))

    let metrics = try admin(gatehouse, "GET", "/metrics").body
    XCTAssertTrue(metrics.contains("gatehouse_logins_detected_total{result=\"created\"} 1"), metrics)
    XCTAssertTrue(metrics.contains("gatehouse_logins_detected_total{result=\"logout\"} 1"), metrics)
  }

  func testAnswerOutsideTheSuccessRuleCreatesNoSession() throws {
    let gatehouse = try startDetecting()
    let cases: [(name: String, target: String, body: [UInt8])] = [
      ("no Location", "/pub/respond-with?h=Set-Cookie%3A%20JSESSIONID%3Dx", form),
      ("no app cookie", "/pub/respond-with?h=Location%3A%20%2Fhome", form),
      (
        "wrong Location",
        "/pub/respond-with?h=Location%3A%20%2Flogin%3Ferror&h=Set-Cookie%3A%20JSESSIONID%3Dx", form
      ),
    ]
    for c in cases {
      let (response, forwarded) = try request(
        gatehouse, "POST", c.target, ticket: nil, headers: formHeaders, body: c.body)
      XCTAssertEqual(response.status, 200, c.name)
      XCTAssertNotNil(forwarded, c.name)
      XCTAssertEqual(setCookieNames(response), [], "\(c.name): \(response)")
    }
    let noUser = "/pub/respond-with?h=Location%3A%20%2Fhome&h=Set-Cookie%3A%20JSESSIONID%3Dx"
    let (response, _) = try request(
      gatehouse, "POST", noUser, ticket: nil, headers: formHeaders, body: Array("password=only".utf8))
    XCTAssertEqual(setCookieNames(response), [], "no user field: \(response)")
    let metrics = try admin(gatehouse, "GET", "/metrics").body
    XCTAssertTrue(metrics.contains("gatehouse_logins_detected_total{result=\"not_successful\"} 3"), metrics)
    XCTAssertTrue(metrics.contains("gatehouse_logins_detected_total{result=\"no_user\"} 1"), metrics)
  }
}
