// Placeholder: replaced by the Proxy implementation.
