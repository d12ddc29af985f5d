package relay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultStreamName is the name of the ledger's JetStream stream.
const DefaultStreamName = "LEDGER"

// StreamSubject is the subject filter of the ledger stream: every subject
// events.Record.Subject can produce.
const StreamSubject = "aid.>"

// DuplicateWindow is the stream's Nats-Msg-Id de-duplication window. The
// relay does not depend on it (the expected-last-sequence guard is what
// makes publishing exactly-once); it only narrows what a stray publisher
// could double within a short time.
const DuplicateWindow = 2 * time.Minute

// StreamConfig describes the JetStream stream that carries the ledger. The
// zero value is the production stream on a single server.
type StreamConfig struct {
	// Name of the stream; default DefaultStreamName.
	Name string
	// Replicas is the number of copies the cluster keeps (3 on a cluster);
	// default 1.
	Replicas int
	// AllowDelete makes messages deletable and the stream purgeable. It
	// exists for tests that tamper with the stream on purpose. A stream
	// created without it denies both, and JetStream never lets a stream
	// that denies deletes or purges become deletable again, so EnsureStream
	// fails when AllowDelete is asked of such a stream.
	AllowDelete bool
}

func (c *StreamConfig) setDefaults() {
	if c.Name == "" {
		c.Name = DefaultStreamName
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
}

// Validate reports whether c (after defaults) names a usable stream.
func (c StreamConfig) Validate() error {
	c.setDefaults()
	if strings.ContainsAny(c.Name, " \t\r\n.*>/\\") {
		return fmt.Errorf("relay: stream name %q: must not contain whitespace, '.', '*', '>', '/' or '\\'", c.Name)
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		return fmt.Errorf("relay: stream replicas %d: must be 1 to 5", c.Replicas)
	}
	return nil
}

// jetStreamConfig is the complete configuration of a new stream.
func (c StreamConfig) jetStreamConfig() jetstream.StreamConfig {
	sc := jetstream.StreamConfig{Name: c.Name, Description: "aidledger: every committed ledger event; sequence = ledger position"}
	c.apply(&sc)
	return sc
}

// apply sets on sc every field the relay relies on, leaving the others
// (description, metadata, placement …) as an operator set them.
func (c StreamConfig) apply(sc *jetstream.StreamConfig) {
	sc.Subjects = []string{StreamSubject}
	sc.Retention = jetstream.LimitsPolicy
	sc.Storage = jetstream.FileStorage
	sc.Replicas = c.Replicas
	sc.MaxMsgs = -1
	sc.MaxBytes = -1
	sc.MaxAge = 0
	sc.MaxMsgsPerSubject = -1
	sc.Discard = jetstream.DiscardOld
	sc.NoAck = false
	sc.Duplicates = DuplicateWindow
	sc.DenyDelete = !c.AllowDelete
	sc.DenyPurge = !c.AllowDelete
	sc.AllowRollup = false
}

// matches reports whether have already has every field apply sets.
func (c StreamConfig) matches(have jetstream.StreamConfig) bool {
	want := have
	c.apply(&want)
	return slices.Equal(have.Subjects, want.Subjects) &&
		have.Retention == want.Retention && have.Storage == want.Storage && have.Replicas == want.Replicas &&
		have.MaxMsgs == want.MaxMsgs && have.MaxBytes == want.MaxBytes && have.MaxAge == want.MaxAge &&
		have.MaxMsgsPerSubject == want.MaxMsgsPerSubject && have.Discard == want.Discard &&
		have.NoAck == want.NoAck && have.Duplicates == want.Duplicates &&
		have.DenyDelete == want.DenyDelete && have.DenyPurge == want.DenyPurge && have.AllowRollup == want.AllowRollup
}

// compatible reports why an existing stream cannot be turned into the
// ledger stream by an update (nil if it can).
func (c StreamConfig) compatible(have jetstream.StreamConfig) error {
	switch {
	case have.Storage != jetstream.FileStorage:
		return fmt.Errorf("relay: stream %s uses %s storage; the ledger stream needs file storage, which an update cannot change", c.Name, have.Storage)
	case have.Retention == jetstream.WorkQueuePolicy:
		return fmt.Errorf("relay: stream %s is a work queue; the ledger stream keeps every message (limits retention), which an update cannot change", c.Name)
	case have.Mirror != nil || len(have.Sources) > 0:
		return fmt.Errorf("relay: stream %s is a mirror or has sources; the relay must be its only writer", c.Name)
	case have.Sealed:
		return fmt.Errorf("relay: stream %s is sealed", c.Name)
	case c.AllowDelete && (have.DenyDelete || have.DenyPurge):
		return fmt.Errorf("relay: stream %s denies deletes or purges; it cannot be made deletable (AllowDelete)", c.Name)
	}
	return nil
}

// EnsureStream makes sure the ledger stream exists as cfg describes, and
// returns it. A missing stream is created: subject StreamSubject, file
// storage, cfg.Replicas replicas, limits retention without any limit on
// age, count or size, a DuplicateWindow de-duplication window, and deletes
// and purges denied unless cfg.AllowDelete. An existing stream is checked,
// and updated in place when one of those settings differs; settings the
// relay does not rely on are kept. It fails, changing nothing, when the
// existing stream cannot be made to match (other storage, a work queue, a
// mirror, sealed, or deletes denied while cfg.AllowDelete asks for them).
// It is idempotent and safe to call concurrently.
func EnsureStream(ctx context.Context, js jetstream.JetStream, cfg StreamConfig) (jetstream.Stream, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		s, err := js.Stream(ctx, cfg.Name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			s, err = js.CreateStream(ctx, cfg.jetStreamConfig())
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) && attempt == 0 {
				continue // created concurrently, with another configuration: check it
			}
			if err != nil {
				return nil, fmt.Errorf("relay: creating stream %s: %w", cfg.Name, err)
			}
			return s, nil
		}
		if err != nil {
			return nil, fmt.Errorf("relay: looking up stream %s: %w", cfg.Name, err)
		}
		have := s.CachedInfo().Config
		if cfg.matches(have) {
			return s, nil
		}
		if err := cfg.compatible(have); err != nil {
			return nil, err
		}
		cfg.apply(&have)
		s, err = js.UpdateStream(ctx, have)
		if err != nil {
			return nil, fmt.Errorf("relay: updating stream %s: %w", cfg.Name, err)
		}
		return s, nil
	}
}
