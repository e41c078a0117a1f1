// Placeholder: replaced by the HTTP1 implementation.
