package relay

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
)

// resume reads the stream's last sequence L and checks that the stream's
// last messages, up to Config.MaxInFlight of them, are the ledger's events
// at those positions. It returns the link to event L (the zero link for an
// empty stream), which the next event must follow.
//
// Why that many: a message that another writer slipped into the stream at
// sequence k makes the relay's publish of event k fail its
// expected-last-sequence guard, but publishes of k+1 … that were already in
// flight land after it, each in its place. The relay stops publishing as
// soon as it settles k, so at most MaxInFlight-1 of its events follow the
// foreign message (also across a crash: no relay settles k). Checking the
// last MaxInFlight messages therefore always finds it, and the relay stops
// with ErrDiverged instead of building further on it.
func (r *Relay) resume(ctx context.Context, stream jetstream.Stream) (link, error) {
	rctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	info, err := stream.Info(rctx)
	if err != nil {
		return link{}, fmt.Errorf("relay: reading the state of stream %s: %w", r.cfg.Stream.Name, err)
	}
	last := int64(info.State.LastSeq)
	if last == 0 {
		return link{}, nil
	}
	from := max(last-int64(r.cfg.MaxInFlight)+1, 1)
	recs, err := r.cfg.Store.ReadAll(rctx, from-1, int(last-from+1), eventstore.Filter{})
	if err != nil {
		return link{}, fmt.Errorf("relay: reading ledger positions %d to %d: %w", from, last, err)
	}
	if int64(len(recs)) != last-from+1 {
		return link{}, fmt.Errorf("%w: stream %s ends at sequence %d but the ledger has no event at position %d "+
			"(a ledger restored from an older backup, or the wrong database or stream?)",
			ErrDiverged, r.cfg.Stream.Name, last, from+int64(len(recs)))
	}
	if err := r.compareTail(rctx, stream, recs); err != nil {
		return link{}, err
	}
	return linkOf(&recs[len(recs)-1]), nil
}

// compareTail reads the stream's messages at the positions of recs (one
// ordered consumer) and checks that each carries its event: same
// Nats-Msg-Id, hash, subject and canonical body.
func (r *Relay) compareTail(ctx context.Context, stream jetstream.Stream, recs []events.Record) error {
	name := r.cfg.Stream.Name
	from := recs[0].Position
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: uint64(from),
	})
	if err != nil {
		return fmt.Errorf("relay: reading stream %s from %d: %w", name, from, err)
	}
	next := 0
	for next < len(recs) {
		batch, err := cons.Fetch(len(recs)-next, jetstream.FetchMaxWait(r.cfg.Timeout))
		if err != nil {
			return fmt.Errorf("relay: reading stream %s from %d: %w", name, recs[next].Position, err)
		}
		got := 0
		for msg := range batch.Messages() {
			got++
			rec := &recs[next]
			md, err := msg.Metadata()
			if err != nil {
				return fmt.Errorf("relay: reading stream %s at %d: %w", name, rec.Position, err)
			}
			if seq := int64(md.Sequence.Stream); seq != rec.Position {
				return fmt.Errorf("%w: stream %s: message %d is missing (deleted?)", ErrDiverged, name, rec.Position)
			}
			if id := msg.Headers().Get(jetstream.MsgIDHeader); id != rec.ID {
				return fmt.Errorf("%w: stream %s: message %d has Nats-Msg-Id %q, but the ledger's event at position %d is %s",
					ErrDiverged, name, rec.Position, id, rec.Position, rec.ID)
			}
			if h := msg.Headers().Get(events.HeaderHash); h != rec.Hash.String() || msg.Subject() != rec.Subject() || string(msg.Data()) != string(rec.Canonical()) {
				return fmt.Errorf("%w: stream %s: message %d carries event %s, but its subject, body or hash differ from the ledger's",
					ErrDiverged, name, rec.Position, rec.ID)
			}
			next++
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return fmt.Errorf("relay: reading stream %s at %d: %w", name, recs[min(next, len(recs)-1)].Position, err)
		}
		if got == 0 {
			return fmt.Errorf("relay: reading stream %s at %d: no message within %s", name, recs[next].Position, r.cfg.Timeout)
		}
	}
	return nil
}
