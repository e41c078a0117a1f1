import XCTest

@testable import Proxy

final class MetricsExpositionTests: XCTestCase {
  /// One line each: what the text format allows, and what it does not.
  func testLines() {
    struct Case {
      let name: String
      let line: String
      let expected: MetricSample?
    }
    let cases = [
      Case(name: "bare", line: "up 1", expected: MetricSample(name: "up", labels: [:], value: 1)),
      Case(
        name: "labels", line: #"gatehouse_requests_total{route="api",status_class="2xx"} 42"#,
        expected: MetricSample(
          name: "gatehouse_requests_total", labels: ["route": "api", "status_class": "2xx"], value: 42)),
      Case(
        name: "trailing comma and spaces", line: #"m{ a = "x" , } 3"#,
        expected: MetricSample(name: "m", labels: ["a": "x"], value: 3)),
      Case(
        name: "escapes in a value", line: #"m{a="q\"b\\s\nl"} 1"#,
        expected: MetricSample(name: "m", labels: ["a": "q\"b\\s\nl"], value: 1)),
      Case(
        name: "le=+Inf and a float", line: #"h_bucket{le="+Inf"} 1.5e3"#,
        expected: MetricSample(name: "h_bucket", labels: ["le": "+Inf"], value: 1500)),
      Case(
        name: "+Inf value", line: "g +Inf", expected: MetricSample(name: "g", labels: [:], value: .infinity)),
      Case(
        name: "timestamp ignored", line: "m 7 1700000000000",
        expected: MetricSample(name: "m", labels: [:], value: 7)),
      Case(
        name: "colon in a name", line: "job:rate 2",
        expected: MetricSample(name: "job:rate", labels: [:], value: 2)),
      Case(name: "no value", line: "m", expected: nil),
      Case(name: "not a number", line: "m abc", expected: nil),
      Case(name: "unterminated labels", line: #"m{a="x" 1"#, expected: nil),
      Case(name: "unquoted label value", line: "m{a=x} 1", expected: nil),
      Case(name: "duplicate label", line: #"m{a="x",a="y"} 1"#, expected: nil),
      Case(name: "bad escape", line: #"m{a="\t"} 1"#, expected: nil),
      Case(name: "junk after the timestamp", line: "m 1 2 3", expected: nil),
      Case(name: "name starting with a digit", line: "1m 1", expected: nil),
    ]
    for c in cases {
      let parsed = MetricsExposition.parse(Array(c.line.utf8))
      if let expected = c.expected {
        XCTAssertEqual(parsed.samples(expected.name), [expected], c.name)
        XCTAssertEqual(parsed.malformedLines, 0, c.name)
      } else {
        XCTAssertTrue(parsed.byName.isEmpty, "\(c.name): \(parsed.byName)")
        XCTAssertEqual(parsed.malformedLines, 1, c.name)
      }
    }
  }

  func testCommentsBlankLinesSumsAndHistograms() {
    let text = """
      # HELP gatehouse_requests_total Requests answered.
      # TYPE gatehouse_requests_total counter

      gatehouse_requests_total{route="api",method_class="read",status_class="2xx"} 10
      gatehouse_requests_total{route="api",method_class="write",status_class="5xx"} 2
      gatehouse_requests_total{route="web",method_class="read",status_class="2xx"} 5
      d_bucket{worker="0",le="0.1"} 3
      d_bucket{worker="0",le="1.0"} 4
      d_bucket{worker="0",le="+Inf"} 4
      d_bucket{worker="1",le="0.1"} 1
      d_bucket{worker="1",le="1.0"} 5
      d_bucket{worker="1",le="+Inf"} 6
      """
    let parsed = MetricsExposition.parse(Array(text.utf8))
    XCTAssertEqual(parsed.malformedLines, 0)
    XCTAssertEqual(parsed.sum("gatehouse_requests_total"), 17)
    XCTAssertEqual(parsed.sum("gatehouse_requests_total", matching: ["route": "api"]), 12)
    XCTAssertEqual(parsed.sums("gatehouse_requests_total", by: "status_class"), ["2xx": 15, "5xx": 2])
    XCTAssertEqual(parsed.sum("absent"), 0)
    XCTAssertFalse(parsed.has("absent"))
    let histogram = parsed.histogram("d")
    XCTAssertEqual(histogram.buckets.map(\.bound), [0.1, 1, .infinity])
    XCTAssertEqual(histogram.buckets.map(\.count), [4, 9, 10], "summed over workers")
  }

  /// The sampler reads Gatehouse's own exposition: every line of a real scrape must parse.
  func testGatehouseScrapeParsesWhole() {
    let metrics = GatehouseMetrics()
    let worker = metrics.makeWorkerMetrics(index: 0)
    var context = RequestContext()
    context.status = 200
    context.startNanos = 1_000
    worker.requestFinished(context, routeSlot: 0, now: 2_000_000)
    let parsed = MetricsExposition.parse(metrics.scrape())
    XCTAssertEqual(parsed.malformedLines, 0)
    XCTAssertEqual(parsed.sum("gatehouse_requests_total"), 1)
    XCTAssertEqual(parsed.histogram("gatehouse_request_duration_seconds").total, 1)
  }
}
