package relay

// NATS users of the ledger and what each may do, as subject lists for a
// server's configuration (the embedded server's, deploy/nats/nats.conf).
// Only the ledger service user — the relay — publishes events and manages
// the stream; a reader consumes it and can change nothing; a partner
// county's feed receives its own county's events live and nothing else.
const (
	// ServiceUser runs the relay (and, in one process, everything else).
	ServiceUser = "aidledger"
	// ReaderUser runs projectors and verification: it consumes.
	ReaderUser = "aidledger-reader"
	// PartnerUserPrefix + a county code names a partner feed user.
	PartnerUserPrefix = "partner-"
)

// ReaderDenyPublish are the subjects a reader may never publish to: the
// events themselves and every JetStream API that creates, changes,
// purges or deletes a stream or its messages.
func ReaderDenyPublish() []string {
	return []string{StreamSubject, "$JS.API.STREAM.CREATE.>", "$JS.API.STREAM.UPDATE.>", "$JS.API.STREAM.DELETE.>",
		"$JS.API.STREAM.PURGE.>", "$JS.API.STREAM.MSG.DELETE.>", "$JS.API.STREAM.SNAPSHOT.>", "$JS.API.STREAM.RESTORE.>",
		"$JS.API.ACCOUNT.PURGE.>"}
}

// PartnerSubscribe are the only subjects partner county code's feed user
// may subscribe to: its county's events (aid.<donor>.<code>.<type>).
func PartnerSubscribe(code string) []string { return []string{"aid.*." + code + ".>"} }
