package events_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"github.com/aidledger/aidledger/events"
)

const fixedPayload = `{"disbursement_id":"01JNQK0VR07JTZARED010EGNK2","commitment_id":"01JNKKZXM0DTY49J2ZT5TBZK7M","pairing_id":"01JN7PX380YFZMTH8Y8AF1G8GN","amount_fen":60000000,"business_date":"2025-04-02","payee_name":"班玛县财政局","voucher_no":"ZLGK-2025-000318"}`

// fixedRecord is a record as the event store would hold it. RecordedAt is
// given in China time with sub-microsecond digits on purpose: canonical bytes
// are UTC with exactly six fractional digits.
func fixedRecord() events.Record {
	return events.Record{
		Position:      42,
		ID:            "01JQ38B740TPSC956HA2PGA4VH",
		StreamID:      "commitment-01JNKKZXM0DTY49J2ZT5TBZK7M",
		StreamVersion: 3,
		Type:          "aid.funds_disbursed",
		SchemaVersion: 1,
		RecordedAt:    time.Date(2025, 4, 2, 11, 15, 7, 123_456_789, events.ChinaTime),
		DonorCode:     "320404",
		PartnerCode:   "632624",
		Metadata: events.Metadata{
			Actor:          "user:finance.wangjg",
			IdempotencyKey: "cmd-2025-04-02-0007",
			CorrelationID:  "01JQ38B740TPSC956HA2PGA4VJ",
			CausationID:    "01JQ38B740TPSC956HA2PGA4VK",
		},
		Payload:  json.RawMessage(fixedPayload),
		PrevHash: events.Hash{1, 2, 3},
		Hash:     events.Hash{4, 5, 6},
	}
}

// The exact bytes the chain hashes for fixedRecord. Changing them breaks
// every stored chain: never edit this string to make the test pass.
const fixedCanonical = `{"id":"01JQ38B740TPSC956HA2PGA4VH","stream_id":"commitment-01JNKKZXM0DTY49J2ZT5TBZK7M","stream_version":3,"type":"aid.funds_disbursed","schema_version":1,"recorded_at":"2025-04-02T03:15:07.123456Z","donor_code":"320404","partner_code":"632624","actor":"user:finance.wangjg","idempotency_key":"cmd-2025-04-02-0007","correlation_id":"01JQ38B740TPSC956HA2PGA4VJ","causation_id":"01JQ38B740TPSC956HA2PGA4VK","payload":` + fixedPayload + `}`

func TestCanonicalGolden(t *testing.T) {
	r := fixedRecord()
	got := r.Canonical()
	if string(got) != fixedCanonical {
		t.Fatalf("Canonical() =\n%s\nwant\n%s", got, fixedCanonical)
	}
	if !json.Valid(got) {
		t.Error("canonical bytes are not valid JSON")
	}
	if again := r.Canonical(); !bytes.Equal(again, got) {
		t.Error("Canonical() is not stable across calls")
	}
	// Empty metadata still writes every key (fixed shape, no omitempty).
	r.Metadata = events.Metadata{Actor: "system"}
	if want := `"actor":"system","idempotency_key":"","correlation_id":"","causation_id":""`; !bytes.Contains(r.Canonical(), []byte(want)) {
		t.Errorf("Canonical() with empty metadata = %s", r.Canonical())
	}
}

func TestCanonicalCoversEveryField(t *testing.T) {
	base := fixedRecord()
	baseBytes := base.Canonical()
	changes := map[string]func(*events.Record){
		"ID":             func(r *events.Record) { r.ID = "01JQ38B740TPSC956HA2PGA4VM" },
		"StreamID":       func(r *events.Record) { r.StreamID = "commitment-01JNKKZXM0DTY49J2ZT5TBZK7N" },
		"StreamVersion":  func(r *events.Record) { r.StreamVersion++ },
		"Type":           func(r *events.Record) { r.Type = "aid.funds_committed" },
		"SchemaVersion":  func(r *events.Record) { r.SchemaVersion++ },
		"RecordedAt":     func(r *events.Record) { r.RecordedAt = r.RecordedAt.Add(time.Microsecond) },
		"DonorCode":      func(r *events.Record) { r.DonorCode = "330112" },
		"PartnerCode":    func(r *events.Record) { r.PartnerCode = "610927" },
		"Actor":          func(r *events.Record) { r.Metadata.Actor = "user:finance.lisy" },
		"IdempotencyKey": func(r *events.Record) { r.Metadata.IdempotencyKey = "" },
		"CorrelationID":  func(r *events.Record) { r.Metadata.CorrelationID = "x" },
		"CausationID":    func(r *events.Record) { r.Metadata.CausationID = "" },
		"Payload": func(r *events.Record) {
			r.Payload = bytes.Replace(r.Payload, []byte("60000000"), []byte("60000001"), 1)
		},
		// Moving a value between adjacent metadata fields must change the
		// bytes too (the keys delimit the values).
		"metadata shift": func(r *events.Record) {
			r.Metadata.CorrelationID, r.Metadata.CausationID = r.Metadata.CausationID, r.Metadata.CorrelationID
		},
	}
	for name, change := range changes {
		r := fixedRecord()
		change(&r)
		if bytes.Equal(r.Canonical(), baseBytes) {
			t.Errorf("changing %s does not change the canonical bytes", name)
		}
	}
	// Position, PrevHash and Hash are bound by ChainHash, not by Canonical;
	// the zone RecordedAt is given in and digits below the microsecond
	// (which Postgres does not keep) do not matter.
	same := map[string]func(*events.Record){
		"Position":   func(r *events.Record) { r.Position = 7 },
		"PrevHash":   func(r *events.Record) { r.PrevHash = events.Hash{} },
		"Hash":       func(r *events.Record) { r.Hash = events.Hash{} },
		"zone":       func(r *events.Record) { r.RecordedAt = r.RecordedAt.UTC() },
		"nanosecond": func(r *events.Record) { r.RecordedAt = r.RecordedAt.Add(100 * time.Nanosecond) },
	}
	for name, change := range same {
		r := fixedRecord()
		change(&r)
		if got := r.Canonical(); !bytes.Equal(got, baseBytes) {
			t.Errorf("changing %s changes the canonical bytes:\n%s", name, got)
		}
	}
}

func TestCanonicalEmbedsPayloadVerbatim(t *testing.T) {
	r := fixedRecord()
	// Not the canonical form of anything: white space, key order and escapes
	// must survive untouched, because the hash covers what is stored.
	odd := `{ "b": 1,"a":"\u73ed\u739b" ,"c":[1, 2] }`
	r.Payload = json.RawMessage(odd)
	got := r.Canonical()
	if !bytes.HasSuffix(got, []byte(`,"payload":`+odd+`}`)) {
		t.Errorf("payload not embedded verbatim: %s", got)
	}
	// Strings are JSON-escaped, so a value cannot forge another key.
	r = fixedRecord()
	r.Metadata.Actor = `x","idempotency_key":"forged`
	if !json.Valid(r.Canonical()) || bytes.Count(r.Canonical(), []byte(`"idempotency_key":`)) != 1 {
		t.Errorf("actor escaped badly: %s", r.Canonical())
	}
	r.Metadata.Actor = "王建国 <finance>"
	var back map[string]any
	if err := json.Unmarshal(r.Canonical(), &back); err != nil || back["actor"] != "王建国 <finance>" {
		t.Errorf("actor with non-ASCII and <>: %v %v", back["actor"], err)
	}
}

func TestChainHash(t *testing.T) {
	r := fixedRecord()
	canonical := r.Canonical()

	manual := func(prev events.Hash, position int64, c []byte) events.Hash {
		buf := append([]byte{}, prev[:]...)
		for shift := 56; shift >= 0; shift -= 8 {
			buf = append(buf, byte(uint64(position)>>shift))
		}
		return sha256.Sum256(append(buf, c...))
	}
	for _, c := range []struct {
		prev events.Hash
		pos  int64
	}{
		{events.Hash{}, 1}, // genesis: zero prev hash
		{r.PrevHash, r.Position},
		{sha256.Sum256([]byte("x")), 1<<40 + 5}, // needs all 8 bytes
	} {
		got := events.ChainHash(c.prev, c.pos, canonical)
		if want := manual(c.prev, c.pos, canonical); got != want {
			t.Errorf("ChainHash(%s, %d) = %s, want %s", c.prev, c.pos, got, want)
		}
	}

	// The three inputs all matter.
	h := events.ChainHash(r.PrevHash, r.Position, canonical)
	if events.ChainHash(events.Hash{}, r.Position, canonical) == h {
		t.Error("prev hash does not matter")
	}
	if events.ChainHash(r.PrevHash, r.Position+1, canonical) == h {
		t.Error("position does not matter")
	}
	if events.ChainHash(r.PrevHash, r.Position, append(canonical[:len(canonical):len(canonical)], ' ')) == h {
		t.Error("canonical bytes do not matter")
	}

	// Pinned value (cross-checked with Python hashlib): the SQL side (sha256(prev || int8send(pos) || canonical))
	// and existing chains depend on it.
	const pinned = "bd1e8abadcea2df82cbe0e546875bf887ff4fcae8b249487e9f7ef14cb0d2dee"
	if got := events.ChainHash(r.PrevHash, r.Position, canonical).String(); got != pinned {
		t.Errorf("ChainHash of the fixed record = %s, want %s", got, pinned)
	}
}

func TestHashStringAndJSON(t *testing.T) {
	h := events.Hash{0x00, 0x0f, 0xa0, 0xff}
	want := "000fa0ff" + string(bytes.Repeat([]byte("0"), 56))
	if h.String() != want {
		t.Errorf("String() = %s", h.String())
	}
	b, err := json.Marshal(h)
	if err != nil || string(b) != `"`+want+`"` {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
	if sum := sha256.Sum256(nil); events.Hash(sum).String() != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("String of sha256(\"\") = %s", events.Hash(sum).String())
	}
}
