import Crypto

/// `GET /` on the admin listener: the dashboard, one self-contained HTML page with its script
/// and stylesheet inline and nothing fetched from anywhere but `/status.json`,
/// `/dashboard/access` and `/sessions` on the same listener (clusters often have no internet).
///
/// The page is one editable file, `Resources/dashboard.html`, embedded into the binary at build
/// time (a SwiftPM `embedInCode` resource), so a deployed binary needs no files beside it. Its
/// `Content-Security-Policy` allows exactly the page's one inline `<script>` and one `<style>`
/// by their SHA-256 (computed here once from the embedded bytes, so editing the page never
/// breaks the policy), same-origin `fetch`, and nothing else: no other script, style, frame,
/// form target, plugin or remote image. Immutable.
struct DashboardPage: Sendable {
  let html: [UInt8]
  let contentSecurityPolicy: String

  init(html: [UInt8] = PackageResources.dashboard_html) {
    self.html = html
    let script = Self.hashes(of: "script", in: html).map { "'sha256-\($0)'" }.joined(separator: " ")
    let style = Self.hashes(of: "style", in: html).map { "'sha256-\($0)'" }.joined(separator: " ")
    contentSecurityPolicy =
      "default-src 'none'; script-src \(script.isEmpty ? "'none'" : script); "
      + "style-src \(style.isEmpty ? "'none'" : style); img-src data:; connect-src 'self'; "
      + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'; require-trusted-types-for 'script'"
  }

  /// Headers of every dashboard API answer: never sniffed into something executable.
  static let apiHeaders: [(String, String)] = [("X-Content-Type-Options", "nosniff")]

  var response: AdminResponse {
    AdminResponse(
      status: 200, contentType: "text/html; charset=utf-8", body: html,
      extraHeaders: [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
      ])
  }

  /// Base64 SHA-256 of the content of every `<tag>…</tag>` element (the form CSP hashes),
  /// outside HTML comments (a comment may well mention the tags).
  static func hashes(of tag: String, in html: [UInt8]) -> [String] {
    let open = Array("<\(tag)>".utf8)
    let close = Array("</\(tag)>".utf8)
    let commentOpen = Array("<!--".utf8)
    let commentClose = Array("-->".utf8)
    var result: [String] = []
    var index = 0
    while let start = find(open, in: html, from: index) {
      if let comment = find(commentOpen, in: html, from: index), comment < start {
        guard let end = find(commentClose, in: html, from: comment + commentOpen.count) else { break }
        index = end + commentClose.count
        continue
      }
      let contentStart = start + open.count
      guard let end = find(close, in: html, from: contentStart) else { break }
      result.append(standardBase64(SHA256.hash(Array(html[contentStart..<end]))))
      index = end + close.count
    }
    return result
  }

  private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    var index = from
    while index + needle.count <= haystack.count {
      if haystack[index] == needle[0] && Array(haystack[index..<index + needle.count]) == needle {
        return index
      }
      index += 1
    }
    return nil
  }

  /// RFC 4648 §4 base64 with padding (CSP hash sources use it, not base64url).
  static func standardBase64(_ bytes: [UInt8]) -> String {
    var text = Base64URL.encode(bytes).utf8.map { byte -> UInt8 in
      byte == UInt8(ascii: "-") ? UInt8(ascii: "+") : byte == UInt8(ascii: "_") ? UInt8(ascii: "/") : byte
    }
    while text.count % 4 != 0 { text.append(UInt8(ascii: "=")) }
    return String(decoding: text, as: UTF8.self)
  }
}
