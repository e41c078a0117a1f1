/// The version `gatehouse version` prints, the audit reports and the dashboard shows.
public let gatehouseVersion = "0.1.0"
