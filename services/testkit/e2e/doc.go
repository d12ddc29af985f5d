// Package e2e holds end-to-end tests of the whole ledger: HTTP commands,
// the event store, the relay to NATS JetStream, the projector and
// the read API, all real and in one process.
package e2e
