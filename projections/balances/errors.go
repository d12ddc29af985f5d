package balances

import "errors"

// ErrNotFound is returned by the queries when the pairing, donor,
// commitment or project asked for is not in the read model (yet).
var ErrNotFound = errors.New("balances: not found")

// ErrInconsistent is returned (wrapped, with the event's position when it
// is known) by Apply when an event contradicts the read model: it refers to
// an entity the model never saw, creates one twice, or breaks a rule the
// ledger enforces (a reversal beyond what is left, a second receipt
// confirmation, an end after an end). The ledger never writes such a
// sequence; Apply refuses the whole batch rather than guess.
var ErrInconsistent = errors.New("balances: event inconsistent with the read model")
