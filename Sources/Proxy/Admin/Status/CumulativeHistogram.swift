/// A Prometheus histogram's cumulative buckets (`le` bound → observations at or below it, the
/// last bound `+Inf`), summed over workers. Quantiles are estimated the way PromQL's
/// `histogram_quantile` does: linear interpolation inside the bucket that holds the rank, the
/// highest finite bound when the rank falls into `+Inf`. Immutable.
struct CumulativeHistogram: Equatable, Sendable {
  /// Ascending bounds with their cumulative counts.
  let buckets: [(bound: Double, count: Double)]

  init(buckets: [(bound: Double, count: Double)]) { self.buckets = buckets }

  static func == (a: CumulativeHistogram, b: CumulativeHistogram) -> Bool {
    a.buckets.elementsEqual(b.buckets) { $0.bound == $1.bound && $0.count == $1.count }
  }

  /// Observations in all (the `+Inf` bucket, else the largest count).
  var total: Double { buckets.last?.count ?? 0 }

  /// The observations made since `earlier` (bucket by bucket; a bound missing from `earlier`
  /// counts from 0; a counter that went backwards — a restart — counts from 0 too).
  func since(_ earlier: CumulativeHistogram) -> CumulativeHistogram {
    var previous: [Double: Double] = [:]
    for bucket in earlier.buckets { previous[bucket.bound] = bucket.count }
    return CumulativeHistogram(
      buckets: buckets.map { bucket in
        let before = previous[bucket.bound] ?? 0
        return (bucket.bound, bucket.count >= before ? bucket.count - before : bucket.count)
      })
  }

  /// The `q` quantile (0…1) of the observations, nil when there are none.
  func quantile(_ q: Double) -> Double? {
    let total = self.total
    guard total > 0, q >= 0, q <= 1 else { return nil }
    let rank = q * total
    var lowerBound = 0.0
    var lowerCount = 0.0
    for bucket in buckets {
      if bucket.count >= rank && bucket.count > lowerCount {
        guard bucket.bound.isFinite else { return lowerBound }
        let fraction = (rank - lowerCount) / (bucket.count - lowerCount)
        return lowerBound + (bucket.bound - lowerBound) * fraction
      }
      if bucket.bound.isFinite { lowerBound = bucket.bound }
      lowerCount = bucket.count
    }
    return lowerBound
  }
}
