// Placeholder: replaced by the Sessions implementation.
