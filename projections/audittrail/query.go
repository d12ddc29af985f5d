package audittrail

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aidledger/aidledger/events"
)

// Querier runs a query: a *pgxpool.Pool, a *pgx.Conn or a pgx.Tx.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Page sizes of Query.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// ErrInvalidFilter is returned (wrapped) for a Filter that Query refuses.
var ErrInvalidFilter = errors.New("invalid audit-trail filter")

// Filter selects audit-trail rows. Every field set narrows the result (they
// combine with AND); the zero Filter selects every row.
//
// Point in time. AtPosition and AsRecordedAt bound the LOG: they select the
// rows as the ledger stood at that position or instant, and bound each
// entry's Links and NetAmountFen the same way, so an original shows none
// of the corrections recorded after the bound. Both may be set (a row must
// then satisfy both). AsOfDate bounds BUSINESS DATES, as corrected since:
// it selects the state of business days up to that date with every
// correction to them recorded within the log bound (see AsOfDate).
type Filter struct {
	// PairingID: rows of events belonging to this pairing (a visit belongs
	// to each of its pairings).
	PairingID string `json:"pairing_id,omitempty"`
	// Type: the event type string, e.g. "aid.funds_disbursed".
	Type string `json:"type,omitempty"`
	// Actor: the recorded actor, exactly ("name (role)").
	Actor string `json:"actor,omitempty"`
	// DateFrom and DateTo bound the business date, both inclusive. A row
	// without a business date (annual targets) is left out when either is
	// set.
	DateFrom events.Date `json:"date_from,omitzero"`
	DateTo   events.Date `json:"date_to,omitzero"`
	// DocumentNo: the document number (文号, voucher, receipt, order …),
	// exactly, or as a prefix when DocumentNoPrefix is set.
	DocumentNo       string `json:"document_no,omitempty"`
	DocumentNoPrefix bool   `json:"document_no_prefix,omitempty"`
	// DonorCode and PartnerCode scope the rows as a recorder or a partner
	// county may read them. PartnerCode also matches a "multi" event (a visit
	// covering several partners) when one of its pairings is the partner's.
	DonorCode   string `json:"donor_code,omitempty"`
	PartnerCode string `json:"partner_code,omitempty"`
	// EntityID: rows touching the entity (see Entity).
	EntityID string `json:"entity_id,omitempty"`
	// CorrelationID: rows caused by one user action.
	CorrelationID string `json:"correlation_id,omitempty"`
	// AfterPosition: only rows after this position (keyset pagination:
	// pass the previous Page's NextAfter).
	AfterPosition int64 `json:"after_position,omitempty"`
	// Limit is the page size: DefaultLimit when 0, at most MaxLimit.
	Limit int `json:"limit,omitempty"`

	// AtPosition: only rows at or before this ledger position — the log as
	// it stood once position AtPosition was appended (0: no bound).
	AtPosition int64 `json:"at_position,omitempty"`
	// AsRecordedAt: only rows recorded at or before this instant (their
	// recorded_at ≤ AsRecordedAt, compared to the microsecond): "what did
	// the ledger say on 15 January?" (zero: no bound). recorded_at is set by
	// the server just before an append, so it rises with the position in
	// practice; should two concurrent appends commit out of clock order,
	// this filter still goes by recorded_at alone.
	AsRecordedAt time.Time `json:"as_recorded_at,omitzero"`
	// AsOfDate: business dates up to this day, as corrected since (zero:
	// no bound). It selects
	//   - every row that is not a correction (relation other than
	//     "reversal" or "adjustment": originals, receipts, progress
	//     reports, ends …) whose own business date is ≤ AsOfDate, and
	//   - every correction (relation "reversal" or "adjustment") whose
	//     ORIGINAL (the row creating the entity named by its original_id)
	//     has a business date ≤ AsOfDate — whatever the correction's own
	//     date, before or after AsOfDate, and whenever it was recorded
	//     (within AtPosition / AsRecordedAt when set).
	// A correction of an original dated after AsOfDate is left out even
	// when its own date is not. Rows without a business date (annual
	// targets) and corrections of originals without one are left out.
	// DateFrom, when set, bounds the same dates from below (a correction
	// by its original's date); DateTo may not be combined with AsOfDate.
	// Links are selected by the same rule.
	AsOfDate events.Date `json:"as_of_date,omitzero"`
	// Latest selects the last Limit rows instead of the first (still
	// returned in position order; the page has no NextAfter): the most
	// recent events of a pairing, say.
	Latest bool `json:"latest,omitempty"`
}

// correctionRelations are the relations AsOfDate files under their
// original's business date, as a SQL list.
const correctionRelations = "('" + RelationReversal + "', '" + RelationAdjustment + "')"

// Validate reports whether Query accepts f (errors wrap ErrInvalidFilter):
// limit within 0–MaxLimit, no negative position, document_no_prefix only
// with a document_no, text fields valid UTF-8 without NUL, and AsOfDate
// neither with DateTo nor after DateFrom. AtPosition and AsRecordedAt may
// be combined; AfterPosition at or beyond AtPosition is valid and selects
// nothing.
func (f Filter) Validate() error {
	switch {
	case f.Limit < 0 || f.Limit > MaxLimit:
		return fmt.Errorf("%w: limit %d is not within 0–%d", ErrInvalidFilter, f.Limit, MaxLimit)
	case f.AfterPosition < 0:
		return fmt.Errorf("%w: after_position %d is negative", ErrInvalidFilter, f.AfterPosition)
	case f.AtPosition < 0:
		return fmt.Errorf("%w: at_position %d is negative", ErrInvalidFilter, f.AtPosition)
	case !f.AsOfDate.IsZero() && !f.DateTo.IsZero():
		return fmt.Errorf("%w: as_of_date and date_to (to) cannot be combined: as_of_date already bounds the business dates", ErrInvalidFilter)
	case !f.AsOfDate.IsZero() && !f.DateFrom.IsZero() && f.DateFrom.After(f.AsOfDate):
		return fmt.Errorf("%w: date_from %s is after as_of_date %s", ErrInvalidFilter, f.DateFrom, f.AsOfDate)
	case f.DocumentNoPrefix && f.DocumentNo == "":
		return fmt.Errorf("%w: document_no_prefix needs a document_no", ErrInvalidFilter)
	case f.PartnerCode == multiPartner:
		return fmt.Errorf("%w: %q is not a partner code", ErrInvalidFilter, multiPartner)
	}
	for name, s := range map[string]string{"pairing_id": f.PairingID, "type": f.Type, "actor": f.Actor,
		"document_no": f.DocumentNo, "donor_code": f.DonorCode, "partner_code": f.PartnerCode,
		"entity_id": f.EntityID, "correlation_id": f.CorrelationID} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return fmt.Errorf("%w: %s is not valid text", ErrInvalidFilter, name)
		}
	}
	return nil
}

// Page is one page of Query's result.
type Page struct {
	// Entries are in position order.
	Entries []Entry `json:"entries"`
	// NextAfter is the AfterPosition of the next page, or 0 when no
	// selected row followed this page when it was read (to pick up rows
	// appended later, continue after the last entry's position).
	NextAfter int64 `json:"next_after"`
}

// Entry is one row of the audit trail: one ledger event.
type Entry struct {
	Position      int64     `json:"position"`
	EventID       string    `json:"event_id"`
	RecordedAt    time.Time `json:"recorded_at"`
	Actor         string    `json:"actor"`
	Type          string    `json:"type"`
	SchemaVersion int       `json:"schema_version"`
	LabelZH       string    `json:"label_zh"`
	LabelEN       string    `json:"label_en"`
	StreamID      string    `json:"stream_id"`
	StreamVersion int64     `json:"stream_version"`
	DonorCode     string    `json:"donor_code"`
	// PartnerCode is the code the event was routed under: "multi" for a
	// visit covering several partner counties, whose codes are then in
	// PartnerCodes (otherwise PartnerCodes is [PartnerCode]).
	PartnerCode  string   `json:"partner_code"`
	PartnerCodes []string `json:"partner_codes"`
	PairingIDs   []string `json:"pairing_ids"`
	// EntityKind and EntityID: what the event creates or acts on (see the
	// Kind… constants). A reversal of a donation, purchase, sale, visit or
	// secondment has no id of its own: its entity is the original.
	EntityKind string `json:"entity_kind,omitempty"`
	EntityID   string `json:"entity_id,omitempty"`
	// Relation and OriginalID are set on an event that acts on an earlier
	// entity: a reversal, an adjustment, a receipt, a progress report, the
	// end of a secondment (see the Relation… constants).
	Relation   string `json:"relation,omitempty"`
	OriginalID string `json:"original_id,omitempty"`
	// ParentID is the entity this one belongs to: the commitment of a
	// disbursement, reversal or receipt; the project of a commitment.
	ParentID string `json:"parent_id,omitempty"`
	// BusinessDate is the event's own date (null for annual targets).
	BusinessDate events.Date `json:"business_date"`
	// AmountFen is the event's signed effect on the ledger in 分: positive
	// for commitments, disbursements, donations, purchases and sales,
	// signed for adjustments, negative for reversals; null when the event
	// moves no money.
	AmountFen      *int64 `json:"amount_fen"`
	ReversalReason string `json:"reversal_reason,omitempty"`
	// DocumentKind is the payload field DocumentNo comes from:
	// agreement_doc_no, doc_no, voucher_no, receipt_no, order_no or
	// receipt_ref.
	DocumentKind   string `json:"document_kind,omitempty"`
	DocumentNo     string `json:"document_no,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	CorrelationID  string `json:"correlation_id,omitempty"`
	CausationID    string `json:"causation_id,omitempty"`
	// Hash is the event's hash in the ledger's chain (hex).
	Hash string `json:"hash"`
	// Payload is the event's canonical payload, verbatim.
	Payload json.RawMessage `json:"payload"`

	// Links lists, on the row that created an entity (Relation empty), the
	// later events acting on that entity, in position order — as they stand
	// when the row is read.
	Links []Link `json:"links,omitempty"`
	// NetAmountFen is, on such a row with an amount, AmountFen plus the
	// amounts of its Links: a commitment after its adjustments, a
	// disbursement, donation, purchase or sale after its reversals.
	NetAmountFen *int64 `json:"net_amount_fen,omitempty"`
}

// Link is an event acting on an earlier entity.
type Link struct {
	Position       int64       `json:"position"`
	EventID        string      `json:"event_id"`
	Type           string      `json:"type"`
	Relation       string      `json:"relation"`
	EntityID       string      `json:"entity_id,omitempty"`
	BusinessDate   events.Date `json:"business_date"`
	AmountFen      *int64      `json:"amount_fen"`
	ReversalReason string      `json:"reversal_reason,omitempty"`
	DocumentNo     string      `json:"document_no,omitempty"`
}

// entryColumns are the columns of an Entry, in scanEntry's order, of the
// audittrail row "a".
const entryColumns = `a.position, a.event_id, a.recorded_at, a.actor, a.type, a.schema_version, a.label_zh, a.label_en,
	a.stream_id, a.stream_version, a.donor_code, a.partner_code,
	COALESCE(a.partner_codes, ARRAY[a.partner_code]) AS partner_codes, a.pairing_ids,
	COALESCE(a.entity_kind, '') AS entity_kind, COALESCE(a.entity_id, '') AS entity_id,
	COALESCE(a.relation, '') AS relation, COALESCE(a.original_id, '') AS original_id,
	COALESCE(a.parent_id, '') AS parent_id, a.business_date, a.amount_fen,
	COALESCE(a.reversal_reason, '') AS reversal_reason, COALESCE(a.document_kind, '') AS document_kind,
	COALESCE(a.document_no, '') AS document_no, a.idempotency_key, a.correlation_id, a.causation_id,
	a.hash, a.payload`

// Query returns one page of the rows selected by f, in position order.
// It reads proj_audittrail by qualified names, so q may have any
// search_path. Pages are keyset-paginated: following NextAfter until it is
// 0 yields every selected row once, in order, even while new rows are
// appended (with AtPosition or AsRecordedAt, rows appended later are never
// selected). Entries' Links and NetAmountFen honour the point-in-time
// fields of f (see Filter).
func Query(ctx context.Context, q Querier, f Filter) (Page, error) {
	if err := f.Validate(); err != nil {
		return Page{}, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	sql, args := f.sql(limit + 1)
	entries, err := queryEntries(ctx, q, sql, args...)
	if err != nil {
		return Page{}, fmt.Errorf("audittrail: query: %w", err)
	}
	page := Page{Entries: entries}
	if len(entries) > limit {
		page.Entries = entries[:limit]
		page.NextAfter = entries[limit-1].Position
	}
	if f.Latest {
		slices.Reverse(page.Entries)
		page.NextAfter = 0
	}
	if err := attachLinks(ctx, q, page.Entries, f.linkScope()); err != nil {
		return Page{}, err
	}
	if page.Entries == nil {
		page.Entries = []Entry{}
	}
	return page, nil
}

// sql builds the query of f returning at most n rows.
func (f Filter) sql(n int) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var conds []string
	if f.AfterPosition > 0 {
		conds = append(conds, "a.position > "+arg(f.AfterPosition))
	}
	eq := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = "+arg(v))
		}
	}
	eq("a.type", f.Type)
	eq("a.actor", f.Actor)
	eq("a.donor_code", f.DonorCode)
	eq("a.correlation_id", f.CorrelationID)
	if f.AtPosition > 0 {
		conds = append(conds, "a.position <= "+arg(f.AtPosition))
	}
	if !f.AsRecordedAt.IsZero() {
		conds = append(conds, "a.recorded_at <= "+arg(f.AsRecordedAt))
	}
	if !f.DateFrom.IsZero() && f.AsOfDate.IsZero() { // with AsOfDate: see below
		conds = append(conds, "a.business_date >= "+arg(pgDate(f.DateFrom)))
	}
	if !f.DateTo.IsZero() {
		conds = append(conds, "a.business_date <= "+arg(pgDate(f.DateTo)))
	}
	switch {
	case f.DocumentNo != "" && f.DocumentNoPrefix:
		// document_no is COLLATE "C" (byte order), so the values starting
		// with a prefix are exactly those in [prefix, successor(prefix)).
		conds = append(conds, "a.document_no >= "+arg(f.DocumentNo))
		if upper, ok := prefixSuccessor(f.DocumentNo); ok {
			conds = append(conds, "a.document_no < "+arg(upper))
		}
	case f.DocumentNo != "":
		eq("a.document_no", f.DocumentNo)
	}
	if f.EntityID != "" {
		e := arg(f.EntityID)
		conds = append(conds, "(a.entity_id = "+e+" OR a.original_id = "+e+" OR a.parent_id = "+e+")")
	}

	// The pairing and partner filters each match a row in one of two
	// disjoint ways: the common one through a scalar column, the rare one
	// (several pairings or partners) through an array. Each combination is
	// one ordered, limited branch, and the branches are merged: an OR would
	// make Postgres read and sort every row of the pairing or partner.
	// AsOfDate splits the same way (own date / original's date).
	branches := [][]string{nil}
	alternatives := func(alts ...[]string) {
		var next [][]string
		for _, b := range branches {
			for _, alt := range alts {
				next = append(next, append(slices.Clip(b), alt...))
			}
		}
		branches = next
	}
	if f.PairingID != "" {
		p := arg(f.PairingID)
		alternatives([]string{"a.pairing_id = " + p},
			[]string{"a.position IN (SELECT m.position FROM proj_audittrail.members m WHERE m.pairing_id = " + p + ")", "a.pairing_id <> " + p})
	}
	if !f.AsOfDate.IsZero() {
		// Two disjoint branches: rows dated by their own business date,
		// and corrections dated by their original's.
		own := []string{"(a.relation IS NULL OR a.relation NOT IN " + correctionRelations + ")", "a.business_date <= " + arg(pgDate(f.AsOfDate))}
		orig := "o.business_date <= " + arg(pgDate(f.AsOfDate))
		if !f.DateFrom.IsZero() {
			from := arg(pgDate(f.DateFrom))
			own = append(own, "a.business_date >= "+from)
			orig += " AND o.business_date >= " + from
		}
		alternatives(own, []string{"a.relation IN " + correctionRelations,
			"EXISTS (SELECT 1 FROM proj_audittrail.audittrail o WHERE o.entity_id = a.original_id AND o.relation IS NULL AND " + orig + ")"})
	}
	if f.PartnerCode != "" {
		p := arg(f.PartnerCode)
		alternatives([]string{"a.partner_code = " + p},
			[]string{"a.partner_code = '" + multiPartner + "'", "a.partner_codes @> ARRAY[" + p + "]::text[]"})
	}
	limit := arg(n)
	order := "position"
	if f.Latest {
		order = "position DESC"
	}
	sqls := make([]string, len(branches))
	for i, b := range branches {
		all := append(slices.Clip(conds), b...)
		where := ""
		if len(all) > 0 {
			where = " WHERE " + strings.Join(all, " AND ")
		}
		sqls[i] = "SELECT " + entryColumns + " FROM proj_audittrail.audittrail a" + where + " ORDER BY a." + order + " LIMIT " + limit
	}
	if len(sqls) == 1 {
		return sqls[0], args
	}
	return "SELECT * FROM ((" + strings.Join(sqls, ") UNION ALL (") + ")) u ORDER BY " + order + " LIMIT " + limit, args
}

// prefixSuccessor returns the least string greater, in code point (= UTF-8
// byte) order, than every string starting with prefix: prefix with its last
// incrementable rune incremented and what follows dropped. ok is false when
// there is none (every rune is the greatest).
func prefixSuccessor(prefix string) (upper string, ok bool) {
	rs := []rune(prefix)
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i] + 1
		if r >= 0xD800 && r <= 0xDFFF { // surrogates are not text
			r = 0xE000
		}
		if r <= unicode.MaxRune {
			rs[i] = r
			return string(rs[:i+1]), true
		}
	}
	return "", false
}

// Entity returns every row touching entityID, in position order: the rows
// whose entity it is, the rows acting on it (original_id) and the rows of
// the entities belonging to it (parent_id) — for a commitment: the
// commitment, its adjustments, its disbursements, their reversals and
// receipts. For a pairing it returns the pairing's own rows (establishment,
// targets); its events are Query with Filter.PairingID. The result is not
// paged (use Query with Filter.EntityID for that); nil when none.
func Entity(ctx context.Context, q Querier, entityID string) ([]Entry, error) {
	entries, err := queryEntries(ctx, q, `SELECT `+entryColumns+` FROM proj_audittrail.audittrail a
		WHERE a.entity_id = $1 OR a.original_id = $1 OR a.parent_id = $1 ORDER BY a.position`, entityID)
	if err != nil {
		return nil, fmt.Errorf("audittrail: entity %s: %w", entityID, err)
	}
	if err := attachLinks(ctx, q, entries, linkScope{}); err != nil {
		return nil, err
	}
	return entries, nil
}

// Links returns the events acting on entityID (reversals, adjustments,
// receipts, progress reports, ends), in position order; nil when none.
func Links(ctx context.Context, q Querier, entityID string) ([]Link, error) {
	m, err := links(ctx, q, []string{entityID}, linkScope{})
	if err != nil {
		return nil, err
	}
	return m[entityID], nil
}

// linkScope bounds the links attached to entries: the point-in-time part
// of a Filter (the zero linkScope: every link).
type linkScope struct {
	atPosition int64
	recordedBy time.Time
	asOfDate   events.Date
}

// linkScope returns the bounds f puts on links: those of its log bound,
// and for AsOfDate its rule for rows acting on an original (corrections
// whatever their date, other relations by their own date). DateFrom is
// not applied: a link's original already passed it.
func (f Filter) linkScope() linkScope {
	return linkScope{atPosition: f.AtPosition, recordedBy: f.AsRecordedAt, asOfDate: f.AsOfDate}
}

// links returns the links of each of ids within scope.
func links(ctx context.Context, q Querier, ids []string, scope linkScope) (map[string][]Link, error) {
	args := []any{ids}
	sql := `SELECT original_id, position, event_id, type, relation, COALESCE(entity_id, ''),
			business_date, amount_fen, COALESCE(reversal_reason, ''), COALESCE(document_no, '')
		FROM proj_audittrail.audittrail WHERE original_id = ANY($1)`
	if scope.atPosition > 0 {
		args = append(args, scope.atPosition)
		sql += " AND position <= $" + strconv.Itoa(len(args))
	}
	if !scope.recordedBy.IsZero() {
		args = append(args, scope.recordedBy)
		sql += " AND recorded_at <= $" + strconv.Itoa(len(args))
	}
	if !scope.asOfDate.IsZero() {
		args = append(args, pgDate(scope.asOfDate))
		sql += " AND (relation IN " + correctionRelations + " OR business_date <= $" + strconv.Itoa(len(args)) + ")"
	}
	rows, err := q.Query(ctx, sql+" ORDER BY position", args...)
	if err != nil {
		return nil, fmt.Errorf("audittrail: links: %w", err)
	}
	out := map[string][]Link{}
	var (
		original string
		l        Link
		date     pgtype.Date
	)
	_, err = pgx.ForEachRow(rows, []any{&original, &l.Position, &l.EventID, &l.Type, &l.Relation, &l.EntityID,
		&date, &l.AmountFen, &l.ReversalReason, &l.DocumentNo}, func() error {
		l.BusinessDate = fromPgDate(date)
		out[original] = append(out[original], l)
		l.AmountFen = nil // the next row scans into a new pointer
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audittrail: links: %w", err)
	}
	return out, nil
}

// attachLinks fills Links and NetAmountFen of the entries that created an
// entity, from the links within scope.
func attachLinks(ctx context.Context, q Querier, entries []Entry, scope linkScope) error {
	var ids []string
	seen := map[string]bool{}
	for _, e := range entries {
		if e.Relation == "" && e.EntityID != "" && !seen[e.EntityID] {
			seen[e.EntityID] = true
			ids = append(ids, e.EntityID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	m, err := links(ctx, q, ids, scope)
	if err != nil {
		return err
	}
	for i := range entries {
		e := &entries[i]
		if e.Relation != "" || len(m[e.EntityID]) == 0 {
			continue
		}
		e.Links = m[e.EntityID]
		if e.AmountFen != nil {
			net := *e.AmountFen
			for _, l := range e.Links {
				if l.AmountFen != nil {
					net += *l.AmountFen
				}
			}
			e.NetAmountFen = &net
		}
	}
	return nil
}

// queryEntries runs a query selecting entryColumns.
func queryEntries(ctx context.Context, q Querier, sql string, args ...any) ([]Entry, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	var (
		out     []Entry
		e       Entry
		version int32
		date    pgtype.Date
		hash    []byte
		payload []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&e.Position, &e.EventID, &e.RecordedAt, &e.Actor, &e.Type, &version,
		&e.LabelZH, &e.LabelEN, &e.StreamID, &e.StreamVersion, &e.DonorCode, &e.PartnerCode, &e.PartnerCodes,
		&e.PairingIDs, &e.EntityKind, &e.EntityID, &e.Relation, &e.OriginalID, &e.ParentID, &date, &e.AmountFen,
		&e.ReversalReason, &e.DocumentKind, &e.DocumentNo, &e.IdempotencyKey, &e.CorrelationID, &e.CausationID,
		&hash, &payload}, func() error {
		e.SchemaVersion = int(version)
		e.RecordedAt = e.RecordedAt.UTC()
		e.BusinessDate = fromPgDate(date)
		e.Hash = hex.EncodeToString(hash)
		e.Payload = json.RawMessage(payload)
		out = append(out, e)
		e = Entry{} // slices and pointers of the next row are new
		return nil
	})
	return out, err
}

func pgDate(d events.Date) pgtype.Date { return pgtype.Date{Time: d.Time(), Valid: true} }

func fromPgDate(d pgtype.Date) events.Date {
	if !d.Valid {
		return events.Date{}
	}
	return events.DateOf(d.Time.Year(), d.Time.Month(), d.Time.Day())
}
