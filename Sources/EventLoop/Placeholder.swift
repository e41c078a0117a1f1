// Placeholder: replaced by the EventLoop implementation.
