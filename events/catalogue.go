package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// ErrUnknownType is returned when decoding a type string the catalogue does
// not hold (an event written by a newer release, or corrupted data).
var ErrUnknownType = errors.New("unknown event type")

// ErrUnknownVersion is returned when a payload's schema version is newer than
// the catalogue's, or older with no upcaster to lift it.
var ErrUnknownVersion = errors.New("unknown schema version")

// Upcaster lifts a payload from schema version v to v+1. It receives and
// returns raw JSON so that old shapes need no Go type of their own.
type Upcaster func(payload json.RawMessage) (json.RawMessage, error)

// Spec describes one event type of the catalogue.
type Spec struct {
	// Type is the stable type string.
	Type string
	// Version is the current schema version: what Encode writes.
	Version int
	// upcasters[v] lifts version v to v+1.
	upcasters map[int]Upcaster
	goType    reflect.Type
	// omits: the type holds an omitempty slice or map (nilEmptyOmitted
	// has work to do).
	omits bool
}

var catalogue = map[string]*Spec{}

// register adds the Go type of e to the catalogue at schema version 1.
func register(e Event) {
	t := reflect.TypeOf(e)
	if _, dup := catalogue[e.EventType()]; dup {
		panic("events: type registered twice: " + e.EventType())
	}
	catalogue[e.EventType()] = &Spec{Type: e.EventType(), Version: 1, upcasters: map[int]Upcaster{}, goType: t,
		omits: holdsOmitted(t, map[reflect.Type]bool{})}
}

// addUpcaster raises typ's current version by one: payloads of the previous
// current version are lifted by up. Call it in version order.
func addUpcaster(typ string, up Upcaster) {
	s := catalogue[typ]
	s.upcasters[s.Version] = up
	s.Version++
}

func init() {
	for _, e := range []Event{
		PairingEstablished{}, AnnualTargetsSet{},
		AidProjectRegistered{}, ProjectProgressReported{}, ProjectYearPlanned{},
		FundsCommitted{}, CommitmentAdjusted{}, CommitmentAllocated{}, FundsDisbursed{}, DisbursementReversed{}, FundsReceiptConfirmed{},
		DonationReceived{}, DonationReversed{},
		ProductPurchased{}, PurchaseReversed{}, SalesFacilitated{}, SaleReversed{},
		SecondmentStarted{}, SecondmentEnded{}, SecondmentReversed{},
		VisitConducted{}, VisitReversed{},
		LabourTransferRecorded{}, LabourTransferReversed{},
		EnterpriseInvestmentRecorded{}, InvestmentReversed{},
		TrainingHeld{}, TrainingReversed{},
		AgreementSigned{}, AgreementReversed{},
		ParkEstablished{}, ParkReported{}, ParkReversed{},
		WorkshopEstablished{}, WorkshopReported{}, WorkshopReversed{},
		SummaryGenerated{}, ReportOrderSet{}, ReportStyleSet{},
	} {
		register(e)
	}
	addUpcaster("aid.secondment_started", withDefault("direction", `"outbound"`))
	addUpcaster("aid.annual_targets_set", renamedTarget("staff_persons", "staff"))
}

// Lookup returns the catalogue entry of a type string.
func Lookup(typ string) (*Spec, bool) {
	s, ok := catalogue[typ]
	return s, ok
}

// Types lists every type string of the catalogue, sorted.
func Types() []string {
	ts := make([]string, 0, len(catalogue))
	for t := range catalogue {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	return ts
}

// New returns a zero value of the Go type registered for typ.
func New(typ string) (Event, error) {
	s, ok := catalogue[typ]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownType, typ)
	}
	return reflect.New(s.goType).Elem().Interface().(Event), nil
}

// Encode returns the canonical payload bytes of e and its current schema
// version. The canonical form is encoding/json's output for the Go type:
// fields in declaration order, no insignificant white space, no trailing
// newline. These bytes are stored verbatim and are what the chain hashes.
func Encode(e Event) (payload []byte, version int, err error) {
	s, ok := catalogue[e.EventType()]
	if !ok || reflect.TypeOf(e) != s.goType {
		return nil, 0, fmt.Errorf("encode %T: %w", e, ErrUnknownType)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, 0, fmt.Errorf("encode %s: %w", e.EventType(), err)
	}
	return b, s.Version, nil
}

// Decode turns a stored payload of type typ at schema version version into
// the current Go type, upcasting older versions first. Unknown fields,
// trailing data and wrong JSON types are errors: a stored payload is either
// exactly understood or reported.
func Decode(typ string, version int, payload []byte) (Event, error) {
	s, ok := catalogue[typ]
	if !ok {
		return nil, fmt.Errorf("decode: %w: %q", ErrUnknownType, typ)
	}
	if version < 1 || version > s.Version {
		return nil, fmt.Errorf("decode %s: %w: %d (current %d)", typ, ErrUnknownVersion, version, s.Version)
	}
	raw := json.RawMessage(payload)
	for v := version; v < s.Version; v++ {
		up, ok := s.upcasters[v]
		if !ok {
			return nil, fmt.Errorf("decode %s: %w: no upcaster from %d", typ, ErrUnknownVersion, v)
		}
		var err error
		if raw, err = up(raw); err != nil {
			return nil, fmt.Errorf("decode %s: upcast from v%d: %w", typ, v, err)
		}
	}
	ptr := reflect.New(s.goType)
	if err := jsonv2.Unmarshal(raw, ptr.Interface(), decodeOptions); err != nil {
		return nil, fmt.Errorf("decode %s: %w", typ, err)
	}
	if s.omits {
		nilEmptyOmitted(ptr.Elem())
	}
	return ptr.Elem().Interface().(Event), nil
}

// decodeOptions read a payload as encoding/json (v1) does — Decode used it
// until the rebuild's profile showed it as the largest cost per event — but
// with the faster decoder of json v2, refusing unknown fields and anything
// after the payload.
var decodeOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv2.RejectUnknownMembers(true))

// nilEmptyOmitted sets every empty but non-nil slice or map held in an
// omitempty field of v (an addressable value) to nil, in nested structs too.
// Encode writes neither an empty nor a nil one, so without this a payload
// with "items":[] would decode to a value that differs (reflect.DeepEqual)
// from the decoding of its own canonical encoding.
func nilEmptyOmitted(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			nilEmptyOmitted(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			nilEmptyOmitted(v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() || !fv.CanSet() {
				continue
			}
			if k := fv.Kind(); (k == reflect.Slice || k == reflect.Map) && !fv.IsNil() && fv.Len() == 0 && omitEmpty(f) {
				fv.SetZero()
				continue
			}
			nilEmptyOmitted(fv)
		}
	}
}

// omitEmpty reports whether f's json tag has the omitempty option.
func omitEmpty(f reflect.StructField) bool {
	return slices.Contains(strings.Split(f.Tag.Get("json"), ",")[1:], "omitempty")
}

// holdsOmitted reports whether a value of type t can hold an exported
// omitempty slice or map field, at any depth (seen: types already walked).
func holdsOmitted(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holdsOmitted(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if k := f.Type.Kind(); (k == reflect.Slice || k == reflect.Map) && omitEmpty(f) || holdsOmitted(f.Type, seen) {
				return true
			}
		}
	}
	return false
}
