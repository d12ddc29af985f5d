package yearend_test

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
)

// oracleFigure is a base figure as the oracle adds it up. The events of
// a loose figure (looseFigures) are only known to be among the progress
// reports and plans of the donor's projects and the events of its
// secondments (oracle.stateEvents): the oracle counts projects and staff
// by their state, not by the changes each event made.
type oracleFigure struct {
	value int64
	ids   map[string]bool
}

// looseFigures are the figures of projects by calendar year and of staff
// in post.
var looseFigures = map[string]bool{"projects_started": true, "projects_finished": true, "projects_continuing": true,
	"projects_under_way": true, "year_planned_fen": true, "year_invested_fen": true, "year_planned_projects": true,
	"year_planned_started": true, "staff_left": true, "staff_anniversary": true, "staff_left_after_year": true,
	"staff_in_post": true, "staff_year_or_more": true}

// oracle is an independent, in-memory statement of the year rules: for
// each base figure, which events count and by how much, computed from the
// event list directly (figure by figure, not event by event as Apply
// does) for the events up to a position.
type oracle struct {
	figs map[string]map[string]*oracleFigure // pairing → figure
	// unallocated is, by the first pairing of each commitment of several,
	// what is not allocated: the programme's, never a pairing's.
	unallocated map[string]*oracleFigure
	notes       []yearend.Footnote
	stateEvents map[string]bool
	targets     map[string]events.Targets // pairing → the latest set for the year
}

// unallocate adds amount of event id to the unallocated part of the
// commitments whose first pairing is pairing.
func (o *oracle) unallocate(pairing string, amount int64, id string) {
	if amount == 0 {
		return
	}
	if o.unallocated == nil {
		o.unallocated = map[string]*oracleFigure{}
	}
	f := o.unallocated[pairing]
	if f == nil {
		f = &oracleFigure{ids: map[string]bool{}}
		o.unallocated[pairing] = f
	}
	f.value += amount
	f.ids[id] = true
}

func (o *oracle) add(pairing, figure string, amount int64, id string) {
	if amount == 0 {
		return
	}
	m := o.figs[pairing]
	if m == nil {
		m = map[string]*oracleFigure{}
		o.figs[pairing] = m
	}
	f := m[figure]
	if f == nil {
		f = &oracleFigure{ids: map[string]bool{}}
		m[figure] = f
	}
	f.value += amount
	f.ids[id] = true
}

// expect computes the oracle for donor, year and cut-off (zero: 31
// December) over the events at positions ≤ at.
func expect(evs []projections.Event, donor string, year int, cutoff events.Date, at int64) *oracle {
	if cutoff.IsZero() {
		cutoff = events.DateOf(year, time.December, 31)
	}
	first := events.DateOf(year, time.January, 1)
	in := func(d events.Date) bool { return !d.Before(first) && !d.After(cutoff) }
	o := &oracle{figs: map[string]map[string]*oracleFigure{}}

	var upTo []projections.Event
	for _, ev := range evs {
		if ev.Position <= at {
			upTo = append(upTo, ev)
		}
	}
	// What reversals, receipts and progress need to know of originals.
	pairingOf := map[string]events.PairingEstablished{}
	commitments := map[string]events.FundsCommitted{}
	disbursements := map[string]events.FundsDisbursed{}
	donations := map[string]events.DonationReceived{}
	secondments := map[string]events.SecondmentStarted{}
	projects := map[string]events.AidProjectRegistered{}
	// The office indicators: each entry's pairings, date, counts and amount;
	// a site's reports (as of, figures) in order; investments' reversals.
	type entry struct {
		pairings []string
		on       events.Date
		counts   map[string]int64
		amount   int64
	}
	entries := map[string]*entry{}
	siteReports := map[string][]events.Event{}
	for _, ev := range upTo {
		switch e := ev.Data.(type) {
		case events.LabourTransferRecorded:
			entries[e.LabourTransferID] = &entry{[]string{e.PairingID}, e.PeriodTo,
				map[string]int64{"labour_persons": e.Persons, "labour_poverty_persons": e.PovertyPersons}, 0}
		case events.EnterpriseInvestmentRecorded:
			entries[e.InvestmentID] = &entry{[]string{e.PairingID}, e.InvestedDate,
				map[string]int64{"investment_records": 1, "investment_jobs": e.Jobs, "investment_poverty_jobs": e.PovertyJobs}, e.AmountFen}
		case events.TrainingHeld:
			entries[e.TrainingID] = &entry{[]string{e.PairingID}, e.EndDate,
				map[string]int64{"trainings": 1, "training_participants": e.Participants}, 0}
		case events.AgreementSigned:
			entries[e.AgreementID] = &entry{[]string{e.PairingID}, e.SignedDate, map[string]int64{"agreements": 1}, 0}
		case events.ParkEstablished:
			entries[e.ParkID] = &entry{[]string{e.PairingID}, e.EstablishedDate, map[string]int64{"parks": 1}, 0}
		case events.WorkshopEstablished:
			entries[e.WorkshopID] = &entry{[]string{e.PairingID}, e.EstablishedDate, map[string]int64{"workshops": 1}, 0}
		case events.VisitConducted:
			if e.LedByPrincipal {
				entries[e.VisitID] = &entry{e.PairingIDList, e.StartDate, map[string]int64{"visits_led_by_principal": 1}, 0}
			}
		case events.ParkReported:
			siteReports[e.ParkID] = append(siteReports[e.ParkID], e)
		case events.WorkshopReported:
			siteReports[e.WorkshopID] = append(siteReports[e.WorkshopID], e)
		}
	}
	for _, ev := range upTo {
		switch e := ev.Data.(type) {
		case events.PairingEstablished:
			pairingOf[e.PairingID] = e
		case events.FundsCommitted:
			commitments[e.CommitmentID] = e
		case events.FundsDisbursed:
			disbursements[e.DisbursementID] = e
		case events.DonationReceived:
			donations[e.DonationID] = e
		case events.SecondmentStarted:
			secondments[e.SecondmentID] = e
		case events.AidProjectRegistered:
			projects[e.ProjectID] = e
		}
	}
	ours := func(p string) bool { return pairingOf[p].Donor.Code == donor }
	attributed := func(reason events.ReversalReason, own, original events.Date) events.Date {
		if reason == events.ReasonEntryError {
			return original
		}
		return own
	}
	late := map[[2]string]bool{}
	counted := func(ev projections.Event, pairing, figure string, on events.Date, amount int64) {
		if events.Today(ev.RecordedAt).After(cutoff) && !late[[2]string{ev.ID, pairing}] {
			late[[2]string{ev.ID, pairing}] = true
			o.notes = append(o.notes, yearend.Footnote{Kind: yearend.FootLateEntry, PairingID: pairing, EventID: ev.ID,
				AmountFen: amount, Figure: figure, Date: on, Detail: events.Today(ev.RecordedAt).String()})
		}
	}
	note := func(kind yearend.FootnoteKind, ev projections.Event, pairing, figure string, amount int64, on events.Date, detail string) {
		o.notes = append(o.notes, yearend.Footnote{Kind: kind, PairingID: pairing, EventID: ev.ID, AmountFen: amount, Figure: figure,
			Date: on, Detail: detail})
	}
	// A money reversal of an original dated original, counted under figure.
	moneyReversal := func(ev projections.Event, r events.EntryReversal, pairing, figure string, original events.Date) {
		on := attributed(r.Reason, r.BusinessDate, original)
		cross := r.BusinessDate.Year() != original.Year()
		detail := string(r.Reason) + " " + original.String()
		if in(on) {
			o.add(pairing, figure, -r.AmountFen, ev.ID)
			counted(ev, pairing, figure, on, -r.AmountFen)
			if cross {
				note(yearend.FootCrossYear, ev, pairing, figure, -r.AmountFen, r.BusinessDate, detail)
			}
		} else if cross && in(r.BusinessDate) && on.Year() != year {
			note(yearend.FootCrossYear, ev, pairing, figure, -r.AmountFen, r.BusinessDate, detail)
		}
	}
	eeReversed := map[string]int64{}      // disbursement → entry-error reversals so far
	shares := map[string][]events.Share{} // commitment → its allocation so far
	confirmedAt := map[string]bool{}      // disbursement confirmed (so far)
	latest := map[string]struct {         // project → last progress
		done bool
		inv  int64
	}{}

	for _, ev := range upTo {
		switch e := ev.Data.(type) {
		case events.FundsCommitted:
			shares[e.CommitmentID] = e.Shares
			if !ours(e.PairingID) || e.BudgetYear != year {
				break
			}
			if e.Shares == nil {
				o.add(e.PairingID, "fiscal_committed_fen", e.AmountFen, ev.ID)
				break
			}
			left := e.AmountFen // a commitment of several pairings: each its share, the rest unallocated
			for _, s := range e.Shares {
				o.add(s.PairingID, "fiscal_committed_fen", s.AmountFen, ev.ID)
				left -= s.AmountFen
			}
			o.unallocate(e.PairingID, left, ev.ID)
		case events.CommitmentAllocated:
			c, was := commitments[e.CommitmentID], shares[e.CommitmentID]
			shares[e.CommitmentID] = e.Shares
			if !ours(c.PairingID) || c.BudgetYear != year {
				break
			}
			var moved int64
			for i, s := range e.Shares {
				o.add(s.PairingID, "fiscal_committed_fen", s.AmountFen-was[i].AmountFen, ev.ID)
				moved += s.AmountFen - was[i].AmountFen
			}
			o.unallocate(c.PairingID, -moved, ev.ID)
		case events.CommitmentAdjusted:
			c := commitments[e.CommitmentID]
			switch {
			case !ours(c.PairingID) || c.BudgetYear != year:
			case shares[e.CommitmentID] != nil:
				o.unallocate(c.PairingID, e.DeltaFen, ev.ID)
			default:
				o.add(c.PairingID, "fiscal_committed_fen", e.DeltaFen, ev.ID)
			}
		case events.FundsDisbursed:
			if ours(e.PairingID) && in(e.BusinessDate) {
				o.add(e.PairingID, "fiscal_disbursed_fen", e.AmountFen, ev.ID)
				counted(ev, e.PairingID, "fiscal_disbursed_fen", e.BusinessDate, e.AmountFen)
				if oc := e.OverCommitment; oc != nil {
					note(yearend.FootOverCommitment, ev, e.PairingID, "fiscal_disbursed_fen", e.AmountFen, e.BusinessDate, oc.Justification+" / "+oc.ApprovedBy)
				}
			}
		case events.DisbursementReversed:
			d := disbursements[e.DisbursementID]
			if ours(d.PairingID) {
				moneyReversal(ev, events.EntryReversal{Reason: e.Reason, AmountFen: e.AmountFen, BusinessDate: e.BusinessDate},
					d.PairingID, "fiscal_disbursed_fen", d.BusinessDate)
				if e.Reason == events.ReasonEntryError && confirmedAt[d.DisbursementID] && in(d.BusinessDate) {
					o.add(d.PairingID, "receipts_confirmed_fen", -e.AmountFen, ev.ID)
				}
			}
			if e.Reason == events.ReasonEntryError {
				eeReversed[d.DisbursementID] += e.AmountFen
			}
		case events.FundsReceiptConfirmed:
			d := disbursements[e.DisbursementID]
			confirmedAt[d.DisbursementID] = true
			if ours(d.PairingID) && in(d.BusinessDate) {
				net := d.AmountFen - eeReversed[d.DisbursementID]
				o.add(d.PairingID, "receipts_confirmed_fen", net, ev.ID)
				counted(ev, d.PairingID, "receipts_confirmed_fen", d.BusinessDate, net)
			}
		case events.DonationReceived:
			figure := map[events.DonationKind]string{events.DonationCash: "social_cash_fen", events.DonationInKind: "social_in_kind_fen"}[e.Kind]
			if ours(e.PairingID) && in(e.BusinessDate) {
				o.add(e.PairingID, figure, e.AmountFen, ev.ID)
				counted(ev, e.PairingID, figure, e.BusinessDate, e.AmountFen)
				if e.Kind == events.DonationInKind {
					note(yearend.FootInKindValuation, ev, e.PairingID, figure, e.AmountFen, e.BusinessDate, e.ValuationBasis)
				}
			}
		case events.DonationReversed:
			d := donations[e.OriginalID]
			figure := map[events.DonationKind]string{events.DonationCash: "social_cash_fen", events.DonationInKind: "social_in_kind_fen"}[d.Kind]
			if ours(d.PairingID) {
				moneyReversal(ev, e.EntryReversal, d.PairingID, figure, d.BusinessDate)
			}
		case events.ProductPurchased:
			if ours(e.PairingID) && in(e.CompletedDate) {
				o.add(e.PairingID, "purchases_fen", e.AmountFen, ev.ID)
				counted(ev, e.PairingID, "purchases_fen", e.CompletedDate, e.AmountFen)
				if c := e.SupplierCountyCode; c != "" && c != pairingOf[e.PairingID].Partner.Code {
					note(yearend.FootPartnerMismatch, ev, e.PairingID, "purchases_fen", e.AmountFen, e.CompletedDate, c)
				}
			}
		case events.PurchaseReversed:
			if p := e.PairingIDList[0]; ours(p) {
				moneyReversal(ev, e.EntryReversal, p, "purchases_fen", e.OriginalDate)
			}
		case events.SalesFacilitated:
			if ours(e.PairingID) && in(e.PeriodTo) {
				o.add(e.PairingID, "sales_fen", e.AmountFen, ev.ID)
				counted(ev, e.PairingID, "sales_fen", e.PeriodTo, e.AmountFen)
			}
		case events.SaleReversed:
			if p := e.PairingIDList[0]; ours(p) {
				moneyReversal(ev, e.EntryReversal, p, "sales_fen", e.OriginalDate)
			}
		case events.SecondmentStarted:
			if ours(e.PairingID) && in(e.StartDate) {
				o.add(e.PairingID, personFigure(e), 1, ev.ID)
				counted(ev, e.PairingID, personFigure(e), e.StartDate, 1)
			}
		case events.SecondmentReversed:
			s := secondments[e.OriginalID]
			if on := attributed(e.Reason, e.BusinessDate, s.StartDate); ours(s.PairingID) && in(on) {
				o.add(s.PairingID, personFigure(s), -1, ev.ID)
				counted(ev, s.PairingID, personFigure(s), on, -1)
			}
		case events.VisitConducted:
			first := "visits" // the first row the read model adds, which a late entry's note names
			if e.LedByPrincipal {
				first = "visits_led_by_principal"
			}
			for _, p := range e.PairingIDList {
				if ours(p) && in(e.StartDate) {
					o.add(p, "visits", 1, ev.ID)
					counted(ev, p, first, e.StartDate, 1)
				}
			}
		case events.VisitReversed:
			on := attributed(e.Reason, e.BusinessDate, e.OriginalDate)
			first := "visits"
			if entries[e.OriginalID] != nil { // a visit led by the principal leader
				first = "visits_led_by_principal"
			}
			for _, p := range e.PairingIDList {
				if ours(p) && in(on) {
					o.add(p, "visits", -1, ev.ID)
					counted(ev, p, first, on, -1)
				}
			}
		case events.AidProjectRegistered:
			if ours(e.PairingID) && e.PlanYear == year {
				o.add(e.PairingID, "projects_registered", 1, ev.ID)
				o.add(e.PairingID, "planned_investment_fen", e.PlannedTotalFen, ev.ID)
			}
		case events.ProjectProgressReported:
			pr := projects[e.ProjectID]
			was := latest[e.ProjectID]
			now := struct {
				done bool
				inv  int64
			}{e.Status.Done(), e.CompletedInvestmentFen}
			latest[e.ProjectID] = now
			if ours(pr.PairingID) && pr.PlanYear == year {
				if now.done != was.done {
					o.add(pr.PairingID, "projects_completed", map[bool]int64{true: 1, false: -1}[now.done], ev.ID)
				}
				o.add(pr.PairingID, "completed_investment_fen", now.inv-was.inv, ev.ID)
			}
		}
	}
	// The office indicators: an entry counts its figures on its date,
	// taken back on the reversal's attributed date; a site counts, each
	// year, its last report dated by the cut-off (each report the change
	// from the year's one before), until reversed; an investment's amount
	// and reversals count as money. rows lists what an event contributes to
	// a pairing, in the read model's order (figures by name; for a site
	// reversal its reports after), so that a late entry's note names the
	// first of them that counts.
	type contrib struct {
		figure string
		amount int64
		on     events.Date
	}
	rowsOf := func(counts map[string]int64, sign int64, on events.Date) []contrib {
		var out []contrib
		for _, fig := range slices.Sorted(maps.Keys(counts)) {
			out = append(out, contrib{fig, sign * counts[fig], on})
		}
		return out
	}
	countRows := func(ev projections.Event, pairing string, rows []contrib) {
		first := true
		for _, r := range rows {
			if r.amount == 0 || !in(r.on) {
				continue
			}
			o.add(pairing, r.figure, r.amount, ev.ID)
			if first {
				counted(ev, pairing, r.figure, r.on, r.amount)
				first = false
			}
		}
	}
	left := map[string]int64{}
	for _, ev := range upTo {
		switch e := ev.Data.(type) {
		case events.LabourTransferRecorded, events.EnterpriseInvestmentRecorded, events.TrainingHeld, events.AgreementSigned,
			events.ParkEstablished, events.WorkshopEstablished, events.VisitConducted:
			id := events.CreatedID(e)
			en := entries[id]
			if en == nil { // a visit not led by the principal leader
				continue
			}
			left[id] = en.amount
			rows := rowsOf(en.counts, 1, en.on)
			if en.amount > 0 {
				rows = append(rows, contrib{"investment_fen", en.amount, en.on})
			}
			for _, p := range en.pairings {
				if ours(p) {
					countRows(ev, p, rows)
				}
			}
		case events.LabourTransferReversed, events.TrainingReversed, events.AgreementReversed, events.ParkReversed,
			events.WorkshopReversed, events.VisitReversed, events.InvestmentReversed:
			r := e.(interface{ Reversal() events.EntryReversal }).Reversal()
			en := entries[r.OriginalID]
			if en == nil {
				continue
			}
			if _, inv := e.(events.InvestmentReversed); inv {
				if p := en.pairings[0]; ours(p) {
					moneyReversal(ev, r, p, "investment_fen", en.on)
				}
				if left[r.OriginalID] -= r.AmountFen; left[r.OriginalID] > 0 || r.Reason != events.ReasonEntryError {
					continue
				}
			}
			rows := rowsOf(en.counts, -1, attributed(r.Reason, r.BusinessDate, en.on))
			for _, d := range reportDeltas(siteReports[r.OriginalID]) {
				rows = append(rows, rowsOf(d.figures, -1, d.asOf)...)
			}
			for _, p := range en.pairings {
				if ours(p) {
					countRows(ev, p, rows)
				}
			}
		case events.ParkReported, events.WorkshopReported:
			id, pairing, asOf := siteOf(e)
			if ours(pairing) {
				deltas := reportDeltas(reportsBefore(siteReports[id], e, e))
				countRows(ev, pairing, rowsOf(deltas[len(deltas)-1].figures, 1, asOf))
			}
		}
	}
	o.targets = map[string]events.Targets{}
	for _, ev := range upTo {
		if e, ok := ev.Data.(events.AnnualTargetsSet); ok && e.Year == year && ours(e.PairingID) {
			o.targets[e.PairingID] = e.Targets
		}
	}
	o.projectsByYear(upTo, ours, year, first, cutoff)
	o.staffInPost(upTo, ours, first, cutoff)
	slices.SortStableFunc(o.notes, compareNotes)
	return o
}

// projectsByYear counts the projects of the donor (ours) by calendar year
// from each one's state after the events upTo: its start and completion
// dates (events.ProjectDates over all its reports), its plans, and its
// cumulative investment as of the cut-off and as of the year before.
func (o *oracle) projectsByYear(upTo []projections.Event, ours func(string) bool, year int, first, cutoff events.Date) {
	type state struct {
		pairing            string
		started, completed events.Date
		plans              map[int]int64
		reports            []events.ProjectProgressReported
	}
	o.stateEvents = map[string]bool{}
	var order []string
	projects := map[string]*state{}
	for _, ev := range upTo {
		switch e := ev.Data.(type) {
		case events.AidProjectRegistered:
			projects[e.ProjectID] = &state{pairing: e.PairingID, plans: map[int]int64{}}
			order = append(order, e.ProjectID)
		case events.ProjectProgressReported:
			s := projects[e.ProjectID]
			s.started, s.completed = events.ProjectDates(s.started, s.completed, e)
			s.reports = append(s.reports, e)
			o.stateEvents[ev.ID] = true
		case events.ProjectYearPlanned:
			projects[e.ProjectID].plans[e.Year] = e.PlannedFen
			o.stateEvents[ev.ID] = true
		}
	}
	in := func(d events.Date) bool { return !d.IsZero() && !d.Before(first) && !d.After(cutoff) }
	cumulative := func(s *state, on events.Date) int64 {
		var v int64
		for _, r := range s.reports {
			if !r.AsOf.After(on) {
				v = r.CompletedInvestmentFen
			}
		}
		return v
	}
	for _, id := range order {
		s := projects[id]
		if !ours(s.pairing) {
			continue
		}
		add := func(figure string, amount int64) {
			if amount == 0 {
				return
			}
			m := o.figs[s.pairing]
			if m == nil {
				m = map[string]*oracleFigure{}
				o.figs[s.pairing] = m
			}
			f := m[figure]
			if f == nil {
				f = &oracleFigure{}
				m[figure] = f
			}
			f.value += amount
		}
		if in(s.started) {
			add("projects_started", 1)
			add("projects_under_way", 1)
		}
		if in(s.completed) {
			add("projects_finished", 1)
		}
		if !s.started.IsZero() && s.started.Before(first) && (s.completed.IsZero() || !s.completed.Before(first)) {
			add("projects_continuing", 1)
			add("projects_under_way", 1)
		}
		if fen := s.plans[year]; fen > 0 {
			add("year_planned_fen", fen)
			add("year_planned_projects", 1)
			if !s.started.IsZero() && !s.started.After(cutoff) {
				add("year_planned_started", 1)
			}
		}
		add("year_invested_fen", cumulative(s, cutoff)-cumulative(s, first.AddDays(-1)))
	}
}

// personFigure is the figure a secondment's person counts in.
func personFigure(s events.SecondmentStarted) string {
	if s.Direction == events.SecondedInbound {
		return "staff_inbound"
	}
	return map[events.StaffCategory]string{events.StaffCadre: "staff_cadre", events.StaffTeacher: "staff_teacher",
		events.StaffDoctor: "staff_doctor", events.StaffAgronomist: "staff_agronomist", events.StaffTechnician: "staff_technician"}[s.Category]
}

// siteOf is a site report's site, pairing and as-of date.
func siteOf(e events.Event) (id, pairing string, asOf events.Date) {
	if r, ok := e.(events.ParkReported); ok {
		return r.ParkID, r.PairingID, r.AsOf
	}
	r := e.(events.WorkshopReported)
	return r.WorkshopID, r.PairingID, r.AsOf
}

// reportsBefore is reps up to (excluding) report at, and then extra.
func reportsBefore(reps []events.Event, at events.Event, extra ...events.Event) []events.Event {
	i := slices.IndexFunc(reps, func(r events.Event) bool { return r == at })
	return append(slices.Clone(reps[:i]), extra...)
}

// siteDelta is what one report of a site changes: each figure's change
// from the site's last report of the same year (its whole value for the
// year's first).
type siteDelta struct {
	asOf    events.Date
	figures map[string]int64
}

// reportDeltas is the change each of a site's reports (in order) makes.
func reportDeltas(reps []events.Event) []siteDelta {
	var out []siteDelta
	last := map[int]map[string]int64{}
	for _, r := range reps {
		var now map[string]int64
		_, _, asOf := siteOf(r)
		switch r := r.(type) {
		case events.ParkReported:
			now = map[string]int64{"park_enterprises": r.Enterprises, "park_investment_fen": r.InvestmentFen, "park_returns_fen": r.ReturnsFen}
		case events.WorkshopReported:
			now = map[string]int64{"workshop_employed": r.Employed, "workshop_poverty_employed": r.PovertyEmployed}
		}
		d := map[string]int64{}
		for fig, v := range now {
			d[fig] = v - last[asOf.Year()][fig]
		}
		last[asOf.Year()] = now
		out = append(out, siteDelta{asOf, d})
	}
	return out
}

// compareNotes orders footnotes as a multiset (kind, event, pairing).
func compareNotes(a, b yearend.Footnote) int {
	return cmp.Or(strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.EventID, b.EventID),
		strings.Compare(a.PairingID, b.PairingID))
}

// staffInPost counts the donor's outbound secondments (not reversed) in
// post in the year up to the cut-off, and those with a year of service by
// then, from each one's start and end.
func (o *oracle) staffInPost(upTo []projections.Event, ours func(string) bool, first, cutoff events.Date) {
	type state struct {
		pairing    string
		start, end events.Date
		reversed   bool
	}
	var order []string
	secondments := map[string]*state{}
	for _, ev := range upTo {
		switch e := ev.Data.(type) {
		case events.SecondmentStarted:
			if e.Direction != events.SecondedInbound {
				secondments[e.SecondmentID] = &state{pairing: e.PairingID, start: e.StartDate}
				order = append(order, e.SecondmentID)
			}
		case events.SecondmentEnded:
			if s := secondments[e.SecondmentID]; s != nil {
				s.end = e.EndDate
			}
		case events.SecondmentReversed:
			if s := secondments[e.OriginalID]; s != nil {
				s.reversed = true
			}
		default:
			continue
		}
		o.stateEvents[ev.ID] = true
	}
	in := func(d events.Date) bool { return !d.IsZero() && !d.Before(first) && !d.After(cutoff) }
	for _, id := range order {
		s := secondments[id]
		if s.reversed || !ours(s.pairing) {
			continue
		}
		t := s.start.Time()
		a := events.DateOf(t.Year()+1, t.Month(), t.Day())
		served := s.end.IsZero() || !s.end.Before(a) // served a year, or still serving
		add := func(figure string) {
			m := o.figs[s.pairing]
			if m == nil {
				m = map[string]*oracleFigure{}
				o.figs[s.pairing] = m
			}
			if m[figure] == nil {
				m[figure] = &oracleFigure{}
			}
			m[figure].value++
		}
		stillIn := s.end.IsZero() || !s.end.Before(first)
		if !s.start.After(cutoff) && stillIn {
			add("staff_in_post")
		}
		if !a.After(cutoff) && served && stillIn {
			add("staff_year_or_more")
		}
		if in(s.end) {
			add("staff_left")
			if served {
				add("staff_left_after_year")
			}
		}
		if in(a) && served {
			add("staff_anniversary")
		}
	}
}
