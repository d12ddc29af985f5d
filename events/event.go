// Package events holds the ledger's event catalogue (one Go type per event,
// each with a stable type string and a schema version), their canonical
// encoding, the upcasters that lift old schema versions to the current one,
// and the hash chain that makes the log tamper-evident.
//
// Event payloads are facts in the past tense. They never change once
// appended: a correction is a new event (a reversal, an adjustment).
// Money is always int64 分 (fen); dates are Date ("YYYY-MM-DD").
package events

// Event is the payload of one ledger event.
type Event interface {
	// EventType is the stable type string, e.g. "aid.funds_disbursed".
	// It never changes once released; a new shape gets a new schema version.
	EventType() string
}

// PairingScoped events name the pairing(s) they belong to, so that
// projections and subscribers can route them without loading other streams.
type PairingScoped interface {
	Event
	// PairingIDs lists the pairings the event belongs to (one, except for
	// visits that cover several pairings).
	PairingIDs() []string
}
