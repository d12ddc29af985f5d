package ledger

// Error codes: the stable, machine-readable `code` of every Rejection the
// ledger, the API and the web interface answer. A code is never renamed or
// reused for another meaning; the README lists them all (a test holds it to
// this list).
const (
	// Requests that cannot be read.
	CodeMalformedRequest     = "malformed_request"      // 400: the body is not valid JSON
	CodeBodyTooLarge         = "body_too_large"         // 413
	CodeUnsupportedMediaType = "unsupported_media_type" // 415
	CodeMethodNotAllowed     = "method_not_allowed"     // 405
	CodeNotAcceptable        = "not_acceptable"         // 406: no representation in the format asked for
	CodeValidationFailed     = "validation_failed"      // 422: a field breaks a rule of its own
	CodeInvalidText          = "invalid_text"           // 400: text that is not valid UTF-8, or NUL
	CodeIdempotencyRequired  = "idempotency_key_required"
	CodeIdempotencyReused    = "idempotency_key_reused"

	// Who may do what.
	CodeUnauthorized = "unauthorized" // 401
	CodeForbidden    = "forbidden"    // 403
	CodeNotFound     = "not_found"    // 404 (also for what the caller may not see)

	// Concurrency and identity.
	CodeWrongExpectedVersion = "wrong_expected_version" // 409: another writer moved the record
	CodeDuplicateID          = "duplicate_id"           // 409

	// Domain rules (docs/domain.md lists them with their invariants).
	CodeFutureDate              = "future_date"
	CodePairingNotValid         = "pairing_not_valid"
	CodePairingOverlap          = "pairing_overlap"
	CodeOverCommitment          = "over_commitment"
	CodeBelowDisbursed          = "below_disbursed"
	CodeReversalExceedsOriginal = "reversal_exceeds_original"
	CodeCannotReverseReversal   = "cannot_reverse_reversal"
	CodeAlreadyReversed         = "already_reversed"
	CodeDisbursementReversed    = "disbursement_reversed"
	CodeReceiptAlreadyConfirmed = "receipt_already_confirmed"
	CodeValuationBasisRequired  = "valuation_basis_required"
	CodeDuplicateVoucher        = "duplicate_voucher"
	CodeDuplicateReceipt        = "duplicate_receipt"
	CodeDuplicateOrder          = "duplicate_order"
	CodeSecondmentOverlap       = "secondment_overlap"
	CodeSecondmentAlreadyEnded  = "secondment_already_ended"
	CodeAsOfNotMonotonic        = "as_of_not_monotonic"
	CodeStatusNotMonotonic      = "status_not_monotonic"
	CodeDuplicateEntry          = "duplicate_entry"
	CodeCumulativeDecreased     = "cumulative_decreased"

	// Imports.
	CodeDuplicateRow    = "duplicate_row"    // the same row twice in one file
	CodeAlreadyImported = "already_imported" // a row someone else imported before

	// Reads and service state.
	CodeNotYetProjected      = "not_yet_projected"      // 503: the read model has not reached min_position in time
	CodePointInTimeBusy      = "point_in_time_busy"     // 503: too many point-in-time rebuilds at once
	CodeAccessLogUnavailable = "access_log_unavailable" // 503: a logged read could not be logged
	CodeUnavailable          = "unavailable"            // 503: the database is unavailable
	CodeOutcomeUnknown       = "outcome_unknown"        // 503: the append's connection was lost; retry with the same key
	CodeFormatUnavailable    = "format_unavailable"     // 503: this server cannot render the format (no font for PDF)
	CodeOverloaded           = "overloaded"             // 503: too many requests of the kind in flight; retry after Retry-After
	CodeConflict             = "conflict"               // 409: a generic conflict from the HTTP layer
	CodeInternalError        = "internal_error"         // 500: a bug; logged
)

// Codes lists every error code, in the order of the README's table.
var Codes = []string{
	CodeMalformedRequest, CodeBodyTooLarge, CodeUnsupportedMediaType, CodeMethodNotAllowed, CodeNotAcceptable,
	CodeValidationFailed, CodeInvalidText,
	CodeIdempotencyRequired, CodeIdempotencyReused,
	CodeUnauthorized, CodeForbidden, CodeNotFound,
	CodeWrongExpectedVersion, CodeDuplicateID,
	CodeFutureDate, CodePairingNotValid, CodePairingOverlap, CodeOverCommitment, CodeBelowDisbursed,
	CodeReversalExceedsOriginal, CodeCannotReverseReversal, CodeAlreadyReversed, CodeDisbursementReversed,
	CodeReceiptAlreadyConfirmed, CodeValuationBasisRequired, CodeDuplicateVoucher, CodeDuplicateReceipt,
	CodeDuplicateOrder, CodeSecondmentOverlap, CodeSecondmentAlreadyEnded, CodeAsOfNotMonotonic,
	CodeStatusNotMonotonic, CodeDuplicateEntry, CodeCumulativeDecreased,
	CodeDuplicateRow, CodeAlreadyImported,
	CodeNotYetProjected, CodePointInTimeBusy, CodeAccessLogUnavailable, CodeUnavailable, CodeOutcomeUnknown, CodeFormatUnavailable, CodeOverloaded, CodeConflict,
	CodeInternalError,
}
