package yearend

import "errors"

// ErrInconsistent is returned (wrapped, with the event's position) by Apply
// when an event contradicts the read model: it refers to a pairing or an
// entity the model never saw, creates one twice, or breaks a rule the
// ledger enforces (a reversal beyond what is left, a second receipt). The
// ledger never writes such a sequence; Apply refuses the whole batch
// rather than guess.
var ErrInconsistent = errors.New("yearend: event inconsistent with the read model")

// ErrNotFound is returned by Compute when the donor has no pairing at the
// position asked for.
var ErrNotFound = errors.New("yearend: not found")

// ErrPosition is returned by Compute when the position asked for is beyond
// the read model's checkpoint (not applied yet: wait for it), or when the
// hash at that position is not known (see ChainHashAt).
var ErrPosition = errors.New("yearend: position not available")

// ErrInvalid is returned by Compute for a year, cut-off or position it
// cannot report on (a cut-off outside the year, a year outside 1900–9999,
// a negative position).
var ErrInvalid = errors.New("yearend: invalid argument")
