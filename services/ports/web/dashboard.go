package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/balances"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
)

// dashboardData is the dashboard of a donor's year.
type dashboardData struct {
	basePage
	Donor    string
	Donors   []events.Unit
	Year     int
	Years    []int
	Report   *balances.DonorReport
	Position int64
	// PairingChart and MonthlyChart are the server's own SVG.
	PairingChart, MonthlyChart template.HTML
	Legend                     []series
	MonthlyLegend              []series
}

// Chart colours (the stylesheet's --committed, --disbursed …).
const (
	colourCommitted   = "#9fb8d3"
	colourDisbursed   = "#1f5f99"
	colourSocial      = "#1d7a46"
	colourConsumption = "#a15c07"
)

// dashboard shows one donor's year: a card per pairing with its fiscal,
// social and consumption aid, staff and visits, the totals, and the two
// charts. A recorder sees their donor; a partner the pairings of their
// county; admins and auditors choose the donor.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, q *request) {
	p := q.principal()
	year := yearParam(r, "year")
	s.waitFor(r.Context(), positionParam(r), balances.New(), yearend.New())
	d := &dashboardData{basePage: q.base(r, "", "dashboard"), Year: year, Years: yearChoices()}
	d.Flash = flash(r, q.lang)
	err := pgx.BeginTxFunc(r.Context(), s.cfg.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		if d.Position, err = projections.Position(r.Context(), tx, balances.New()); err != nil {
			return err
		}
		if d.Donors, err = visibleDonors(r.Context(), tx, p); err != nil {
			return err
		}
		d.Donor = r.URL.Query().Get("donor")
		if !slices.ContainsFunc(d.Donors, func(u events.Unit) bool { return u.Code == d.Donor }) {
			d.Donor = ""
			if len(d.Donors) > 0 {
				d.Donor = d.Donors[0].Code
			}
		}
		if d.Donor == "" {
			return nil
		}
		// A partner sees its county's pairings, and totals and charts of
		// them alone.
		if d.Report, err = balances.DonorForPartner(r.Context(), tx, d.Donor, p.Scope().PartnerCode, year); err != nil {
			return err
		}
		return s.charts(r.Context(), tx, d)
	})
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	name := d.Donor
	for _, u := range d.Donors {
		if u.Code == d.Donor {
			name = u.Name
		}
	}
	d.Title = q.lang.T("dash.title", name, year)
	s.render(w, r, http.StatusOK, "dashboard", d)
}

// charts draws the dashboard's two charts into d.
func (s *Server) charts(ctx context.Context, tx pgx.Tx, d *dashboardData) error {
	l := d.L
	d.Legend = []series{{l.T("dash.committed"), colourCommitted}, {l.T("dash.disbursed"), colourDisbursed}}
	var groups []barGroup
	for _, dp := range d.Report.Pairings {
		groups = append(groups, barGroup{Label: dp.Partner.Name, Values: []int64{dp.Fiscal.CommittedTotalFen, dp.Fiscal.NetDisbursedFen}})
	}
	d.PairingChart = template.HTML(barChart(d.Legend, groups, l.T("chart.unit"))) //nolint:gosec // the server's own SVG, every text escaped

	pairings := make([]string, len(d.Report.Pairings))
	for i, dp := range d.Report.Pairings {
		pairings[i] = dp.PairingID
	}
	monthly, err := yearend.Monthly(ctx, tx, d.Donor, d.Year, pairings, []string{yearend.FigFiscalDisbursedFen, yearend.FigSocialCashFen,
		yearend.FigSocialInKindFen, yearend.FigPurchasesFen, yearend.FigSalesFen})
	if err != nil {
		return err
	}
	var social, consumption [12]int64
	for m := range 12 {
		social[m] = monthly[yearend.FigSocialCashFen][m] + monthly[yearend.FigSocialInKindFen][m]
		consumption[m] = monthly[yearend.FigPurchasesFen][m] + monthly[yearend.FigSalesFen][m]
	}
	d.MonthlyLegend = []series{{l.T("dash.disbursed"), colourDisbursed}, {l.T("dash.social"), colourSocial}, {l.T("dash.consumption"), colourConsumption}}
	var months [12]string
	for m := range 12 {
		months[m] = strconv.Itoa(m + 1)
		if !l.EN() {
			months[m] += "月"
		}
	}
	d.MonthlyChart = template.HTML(lineChart(d.MonthlyLegend, [][12]int64{cumulative(monthly[yearend.FigFiscalDisbursedFen]), //nolint:gosec // as above
		cumulative(social), cumulative(consumption)}, months, l.T("chart.unit")))
	return nil
}

// visibleDonors lists the donors whose pairings p may read, by code.
func visibleDonors(ctx context.Context, q balances.Querier, p auth.Principal) ([]events.Unit, error) {
	s := p.Scope()
	ps, err := balances.Pairings(ctx, q, balances.PairingFilter{DonorCode: s.DonorCode, PartnerCode: s.PartnerCode})
	if err != nil {
		return nil, err
	}
	var out []events.Unit
	for _, pr := range ps {
		if !slices.ContainsFunc(out, func(u events.Unit) bool { return u.Code == pr.Donor.Code }) {
			out = append(out, pr.Donor)
		}
	}
	slices.SortFunc(out, func(a, b events.Unit) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// yearParam is the year named in the query, or the current one (China
// time) when it is missing or implausible.
func yearParam(r *http.Request, name string) int {
	now := events.Today(time.Now()).Year()
	y, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || y < 2000 || y > now+1 {
		return now
	}
	return y
}

// yearChoices are the years a page offers, newest first.
func yearChoices() []int {
	now := events.Today(time.Now()).Year()
	var out []int
	for y := now; y >= now-6; y-- {
		out = append(out, y)
	}
	return out
}

// positionParam is the "at" query parameter: the position of a write just
// made, which the page waits for.
func positionParam(r *http.Request) int64 {
	n, _ := strconv.ParseInt(r.URL.Query().Get("at"), 10, 64)
	return n
}
