/// Where an interrupted `gatehouse migrate` resumes: the cursor after the last page whose
/// sessions were all imported. Completions follow the `SessionStore` threading contract.
public protocol BackfillCheckpoint: AnyObject {
  /// The saved cursor, nil when none (or it was saved for another `source`).
  func load(source: String, completion: @escaping (Result<String?, SessionError>) -> Void)
  func save(cursor: String, source: String, completion: @escaping (Result<Void, SessionError>) -> Void)
  /// Forgets the cursor (a finished backfill starts from the beginning next time).
  func clear(completion: @escaping (Result<Void, SessionError>) -> Void)
}
