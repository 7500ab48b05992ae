package model

// Outbox statuses.
const (
	OutboxQueued = "queued" // waiting for the sender
	OutboxSent   = "sent"   // accepted by the SMTP server
	OutboxFailed = "failed" // gave up after the last retry
	OutboxHeld   = "held"   // demo mode: kept for reading, never sent
)
