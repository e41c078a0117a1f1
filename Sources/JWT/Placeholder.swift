// Placeholder: replaced by the JWT implementation.
