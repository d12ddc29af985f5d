package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
)

// Stream ids. A stream is a consistency boundary: every invariant of a
// command is checked against the streams it reads, and the append carries
// the version it read.
func pairingStream(donor, partner string, p events.Programme) string {
	return "pairings-" + donor + "." + partner + "." + string(p)
}
func targetsStream(pairingID string) string       { return "targets-" + pairingID }
func projectStream(id string) string              { return "project-" + id }
func commitmentStream(id string) string           { return "commitment-" + id }
func personStream(donor, personRef string) string { return "person-" + donor + "." + personRef }
func entryStream(kind, id string) string          { return kind + "-" + id }

// load reads and decodes a whole stream (from the stream cache; a Batch
// keeps its own streams decoded).
func (l *Ledger) load(ctx context.Context, streamID string) ([]events.Event, int64, error) {
	if b, ok := l.store.(*Batch); ok {
		return b.loadEvents(ctx, streamID)
	}
	s, err := l.streams.read(ctx, streamID)
	if err != nil {
		return nil, 0, err
	}
	return s.decoded, s.version, nil
}

// records reads a whole stream's records, with its version.
func (l *Ledger) records(ctx context.Context, streamID string) ([]events.Record, int64, error) {
	if l.streams == nil { // a Batch's ledger
		return l.store.ReadStream(ctx, streamID)
	}
	s, err := l.streams.read(ctx, streamID)
	if err != nil {
		return nil, 0, err
	}
	return s.recs, s.version, nil
}

// entity finds the stream of an entity of one of the given kinds; a
// missing id or one of another kind is not_found on field (named as the
// first kind).
func (l *Ledger) entity(ctx context.Context, field, id string, kinds ...string) (eventstore.EntityRef, error) {
	if !events.ValidID(id) {
		return eventstore.EntityRef{}, notFound(field, kinds[0], id)
	}
	ref, err := l.store.Entity(ctx, id)
	if errors.Is(err, eventstore.ErrNotFound) || (err == nil && !slices.Contains(kinds, ref.Kind)) {
		return ref, notFound(field, kinds[0], id)
	}
	return ref, err
}

// Pairing returns a pairing by id (not_found when there is none). Pairings
// never change once established, so they are cached.
func (l *Ledger) Pairing(ctx context.Context, id string) (events.PairingEstablished, error) {
	return l.pairing(ctx, "pairing_id", id)
}

func (l *Ledger) pairing(ctx context.Context, field, id string) (events.PairingEstablished, error) {
	if p, ok := l.pairings.Load(id); ok {
		return p.(events.PairingEstablished), nil
	}
	ref, err := l.entity(ctx, field, id, "pairing")
	if err != nil {
		return events.PairingEstablished{}, err
	}
	evs, _, err := l.load(ctx, ref.StreamID)
	if err != nil {
		return events.PairingEstablished{}, err
	}
	for _, e := range evs {
		if p, ok := e.(events.PairingEstablished); ok && p.PairingID == id {
			l.pairings.Store(id, p)
			return p, nil
		}
	}
	return events.PairingEstablished{}, notFound(field, "pairing", id)
}

// target is the entity a write names (in request field field): the
// pairing itself, or an entry of it.
type target struct{ field, kind, id string }

// pairingTarget is pairing id named in field.
func pairingTarget(field, id string) target { return target{field, "pairing", id} }

// writablePairing loads pairing pairingID, reached through the entity t
// the request names, for a caller who may record entries for it. A caller
// who may not even read the pairing gets the answer t would get if it did
// not exist (404, naming t), so that another tenant's ids cannot be
// probed by writing to them; one who may read it but not write, 403.
func (l *Ledger) writablePairing(ctx context.Context, p auth.Principal, t target, pairingID string) (events.PairingEstablished, error) {
	pr, err := l.pairing(ctx, t.field, pairingID)
	if err != nil {
		return pr, err
	}
	if !p.CanWrite(pr.Donor.Code) {
		if !p.CanRead(pr.Donor.Code, pr.Partner.Code) {
			return pr, notFound(t.field, t.kind, t.id)
		}
		return pr, forbidden(fmt.Sprintf("%s may not record entries for donor %s", p.Actor(), pr.Donor.Code),
			fmt.Sprintf("%s 无权为 %s 录入数据", p.Actor(), pr.Donor.Code))
	}
	return pr, nil
}

// pairingEntry is a command that records an entry of one pairing, decided
// on that pairing alone (a donation, purchase, sale, project).
type pairingEntry interface {
	pairing() string
	// check checks the command's own fields.
	check(today events.Date) error
	decide(today events.Date, pr events.PairingEstablished) (*eventstore.AppendRequest, error)
}

// recordEntry runs a pairingEntry: its fields checked, its pairing one
// the caller may write for, then decided and appended (cmd is the command
// as received, in the one with its ids assigned).
func (l *Ledger) recordEntry(ctx context.Context, req Request, op string, cmd any, in pairingEntry, ids Written) (*Written, error) {
	today := l.today()
	if err := in.check(today); err != nil {
		return nil, err
	}
	pr, err := l.writablePairing(ctx, req.Principal, pairingTarget("pairing_id", in.pairing()), in.pairing())
	if err != nil {
		return nil, err
	}
	return l.run(ctx, req, op, cmd, ids, func(context.Context) (*eventstore.AppendRequest, error) {
		return in.decide(today, pr)
	})
}

// entryAppend is the append recording ev, which creates entry id of kind
// (on its own stream, entryStream(kind, id)) for pairing pr, claiming
// keys.
func entryAppend(pr events.PairingEstablished, kind, id string, ev events.Event, keys ...eventstore.NaturalKey) *eventstore.AppendRequest {
	return &eventstore.AppendRequest{StreamID: entryStream(kind, id), Events: []events.Event{ev},
		DonorCode: pr.Donor.Code, PartnerCode: pr.Partner.Code, NewEntities: []eventstore.Entity{{ID: id, Kind: kind}}, Claim: keys}
}

// inForce requires pairing pr to be in force on the business date on
// (named onField): every entry is dated within its pairing's validity.
func inForce(pr events.PairingEstablished, on events.Date, onField string) error {
	if pr.ValidOn(on) {
		return nil
	}
	return rule(CodePairingNotValid, onField,
		fmt.Sprintf("pairing %s (%s–%s) is not in force on %s %s", pr.PairingID, pr.ValidFrom, pr.ValidTo, onField, on),
		fmt.Sprintf("结对关系 %s 的有效期为 %s 至 %s,%s %s 不在有效期内", pr.PairingID, pr.ValidFrom, pr.ValidTo, onField, on))
}

// duplicate maps a natural-key conflict to its rejection.
func duplicate(d *eventstore.DuplicateKeyError) *Rejection {
	scope, _, _ := strings.Cut(d.Scope, ":")
	switch scope {
	case "voucher_no":
		return conflict(CodeDuplicateVoucher, "voucher_no", fmt.Sprintf("voucher %s is already recorded (disbursement %s)", d.Key, d.EntityID),
			fmt.Sprintf("凭证号 %s 已被拨付记录 %s 使用", d.Key, d.EntityID))
	case "receipt_no":
		return conflict(CodeDuplicateReceipt, "receipt_no", fmt.Sprintf("receipt %s is already recorded (donation %s)", d.Key, d.EntityID),
			fmt.Sprintf("收据号 %s 已被捐赠记录 %s 使用", d.Key, d.EntityID))
	case "labour_transfer":
		return conflict(CodeDuplicateEntry, "doc_no", fmt.Sprintf("this period, destination and document are already recorded (labour transfer %s)", d.EntityID),
			fmt.Sprintf("该期间、去向和文号的劳务协作已登记(%s)", d.EntityID))
	case "investment":
		return conflict(CodeDuplicateEntry, "project_name", fmt.Sprintf("this enterprise's project is already recorded (investment %s)", d.EntityID),
			fmt.Sprintf("该企业的该投资项目已登记(%s)", d.EntityID))
	case "agreement":
		return conflict(CodeDuplicateEntry, "doc_no", fmt.Sprintf("an agreement with this document number is already recorded (%s)", d.EntityID),
			fmt.Sprintf("协议文号 %s 已登记(%s)", d.Key, d.EntityID))
	case "park":
		return conflict(CodeDuplicateEntry, "name", fmt.Sprintf("the pairing already has a park of this name (%s)", d.EntityID),
			fmt.Sprintf("该结对关系已有名为 %s 的园区(%s)", d.Key, d.EntityID))
	case "workshop":
		return conflict(CodeDuplicateEntry, "name", fmt.Sprintf("the pairing already has a workshop of this name in this village (%s)", d.EntityID),
			fmt.Sprintf("该结对关系在该村已有此帮扶车间:%s(%s)", d.Key, d.EntityID))
	default:
		return conflict(CodeDuplicateOrder, "order_no", fmt.Sprintf("order %s on this channel is already counted (%s)", d.Key, d.EntityID),
			fmt.Sprintf("该渠道的订单号 %s 已被记录 %s 计入", d.Key, d.EntityID))
	}
}

func voucherKey(donor, voucher, id string) eventstore.NaturalKey {
	return eventstore.NaturalKey{Scope: "voucher_no:" + donor, Key: voucher, EntityID: id}
}

func receiptKey(donor, receipt, id string) eventstore.NaturalKey {
	return eventstore.NaturalKey{Scope: "receipt_no:" + donor, Key: receipt, EntityID: id}
}

func orderKey(channel events.Channel, order, id string) eventstore.NaturalKey {
	return eventstore.NaturalKey{Scope: "order:" + string(channel), Key: order, EntityID: id}
}

// labourKey identifies a labour transfer within its pairing: its period,
// destination and document.
func labourKey(e events.LabourTransferRecorded) eventstore.NaturalKey {
	return eventstore.NaturalKey{Scope: "labour_transfer:" + e.PairingID,
		Key: e.PeriodFrom.String() + "/" + e.PeriodTo.String() + " " + string(e.Destination) + " " + e.DocNo, EntityID: e.LabourTransferID}
}

// investmentKey identifies an investment within its pairing: the
// enterprise's credit code and the project.
func investmentKey(e events.EnterpriseInvestmentRecorded) eventstore.NaturalKey {
	return eventstore.NaturalKey{Scope: "investment:" + e.PairingID, Key: e.CreditCode + " " + e.ProjectName, EntityID: e.InvestmentID}
}

// agreementKey identifies an agreement within its pairing by its document
// number.
func agreementKey(e events.AgreementSigned) eventstore.NaturalKey {
	return eventstore.NaturalKey{Scope: "agreement:" + e.PairingID, Key: e.DocNo, EntityID: e.AgreementID}
}

// siteKey identifies a park or workshop (kind) within its pairing by name.
func siteKey(kind, pairingID, name, id string) eventstore.NaturalKey {
	return eventstore.NaturalKey{Scope: kind + ":" + pairingID, Key: name, EntityID: id}
}
