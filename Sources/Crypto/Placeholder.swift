// Placeholder: replaced by the Crypto implementation.
