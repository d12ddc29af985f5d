package e2e_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/aidledger/aidledger/events"
)

type obj = map[string]any

// commander issues random but mostly valid commands, remembering what it
// created so that later commands can act on it.
type commander struct {
	s                                   *stack
	rng                                 *rand.Rand
	pairings                            []string
	commitments, disbursements          []string
	donations, purchases, sales, visits []string
	secondments                         []string
	labour, investments, trainings      []string
	parks                               []string
	accepted, rejected                  int
}

func (c *commander) pick(ids []string) string { return ids[c.rng.IntN(len(ids))] }

func (c *commander) date() string {
	return fmt.Sprintf("%d-%02d-%02d", 2024+c.rng.IntN(2), 1+c.rng.IntN(12), 1+c.rng.IntN(28))
}

func (c *commander) amount() int64 { return int64(1+c.rng.IntN(500)) * 10_000 }

// post sends a command; it returns the answer on 201, nil on a 4xx.
func (c *commander) post(path string, body obj) map[string]any {
	var out map[string]any
	if st := c.s.do(http.MethodPost, path, body, &out); st != http.StatusCreated {
		c.rejected++
		return nil
	}
	c.accepted++
	return out
}

func (c *commander) step() {
	switch n := c.rng.IntN(114); {
	case n < 8 || len(c.commitments) == 0:
		if w := c.post("/v1/commitments", obj{"pairing_id": c.pick(c.pairings), "amount_fen": c.amount() * 10, "budget_year": 2024 + c.rng.IntN(2),
			"source_level": "district", "doc_no": fmt.Sprintf("文号-%d", c.rng.Int()), "business_date": c.date()}); w != nil {
			c.commitments = append(c.commitments, w["commitment_id"].(string))
		}
	case n < 30:
		body := obj{"commitment_id": c.pick(c.commitments), "amount_fen": c.amount(), "business_date": c.date(),
			"payee_name": "某县财政局", "voucher_no": fmt.Sprintf("PZ-%d", c.rng.Int())}
		if c.rng.IntN(10) == 0 {
			body["over_commitment"] = obj{"justification": "应急", "approved_by": "局长"}
		}
		if w := c.post("/v1/disbursements", body); w != nil {
			c.disbursements = append(c.disbursements, w["disbursement_id"].(string))
		}
	case n < 38 && len(c.disbursements) > 0:
		reason := []string{"entry_error", "funds_returned"}[c.rng.IntN(2)]
		c.post("/v1/disbursements/"+c.pick(c.disbursements)+"/reversals", obj{"amount_fen": c.amount() / 2, "reason": reason,
			"business_date": fmt.Sprintf("2025-%02d-%02d", 6+c.rng.IntN(6), 1+c.rng.IntN(28))})
	case n < 43:
		c.post("/v1/commitments/"+c.pick(c.commitments)+"/adjustments", obj{"delta_fen": c.amount() * int64(c.rng.IntN(5)-2),
			"reason": "调整", "doc_no": "调-1", "business_date": c.date()})
	case n < 55:
		kind := []string{"cash", "in_kind"}[c.rng.IntN(2)]
		body := obj{"pairing_id": c.pick(c.pairings), "donor_name": "某企业", "donor_type": "enterprise", "kind": kind,
			"amount_fen": c.amount(), "receipt_no": fmt.Sprintf("SJ-%d", c.rng.Int()), "business_date": c.date()}
		if kind == "in_kind" {
			body["valuation_basis"] = "发票"
		}
		if w := c.post("/v1/donations", body); w != nil {
			c.donations = append(c.donations, w["donation_id"].(string))
		}
	case n < 67:
		if w := c.post("/v1/purchases", obj{"pairing_id": c.pick(c.pairings), "buyer_name": "食堂", "supplier_name": "合作社", "product": "青稞",
			"amount_fen": c.amount(), "channel": "platform_832", "order_no": fmt.Sprintf("O-%d", c.rng.Int()), "completed_date": c.date()}); w != nil {
			c.purchases = append(c.purchases, w["purchase_id"].(string))
		}
	case n < 73:
		d := c.date()
		if w := c.post("/v1/sales", obj{"pairing_id": c.pick(c.pairings), "channel": "store", "period_from": d[:8] + "01", "period_to": d,
			"amount_fen": c.amount()}); w != nil {
			c.sales = append(c.sales, w["sale_id"].(string))
		}
	case n < 80:
		if w := c.post("/v1/visits", obj{"pairing_ids": []string{c.pick(c.pairings)}, "direction": "outbound", "start_date": c.date()}); w != nil {
			c.visits = append(c.visits, w["visit_id"].(string))
		}
	case n < 87:
		if w := c.post("/v1/secondments", obj{"pairing_id": c.pick(c.pairings), "person_ref": fmt.Sprintf("P%d", c.rng.IntN(400)),
			"category":    []string{"cadre", "teacher", "doctor", "agronomist", "technician"}[c.rng.IntN(5)],
			"sending_org": "区教育局", "host_org": "县中学", "start_date": c.date(), "end_date": "2025-12-31"}); w != nil {
			c.secondments = append(c.secondments, w["secondment_id"].(string))
		}
	case n >= 100 && n < 104:
		persons := 1 + c.rng.IntN(300)
		if w := c.post("/v1/labour-transfers", obj{"pairing_id": c.pick(c.pairings), "period_from": "2024-01-01", "period_to": c.date(),
			"destination": []string{"donor_area", "other_east", "near_home"}[c.rng.IntN(3)], "persons": persons,
			"poverty_persons": c.rng.IntN(persons + 1), "doc_no": fmt.Sprintf("人社-%d", c.rng.Int())}); w != nil {
			c.labour = append(c.labour, w["labour_transfer_id"].(string))
		}
	case n >= 104 && n < 107:
		if w := c.post("/v1/enterprise-investments", obj{"pairing_id": c.pick(c.pairings), "enterprise_name": "某企业",
			"credit_code": "91320412MA1N7B2C3R", "project_name": fmt.Sprintf("项目-%d", c.rng.Int()), "sector": "加工",
			"amount_fen": c.amount() * 10, "invested_date": c.date(), "jobs": c.rng.IntN(100)}); w != nil {
			c.investments = append(c.investments, w["investment_id"].(string))
		}
	case n >= 107 && n < 110:
		end := c.date()
		if w := c.post("/v1/trainings", obj{"pairing_id": c.pick(c.pairings), "kind": []string{"cadre", "technical", "labour_skills"}[c.rng.IntN(3)],
			"start_date": end[:8] + "01", "end_date": end, "participants": 1 + c.rng.IntN(200), "organiser": "组织部"}); w != nil {
			c.trainings = append(c.trainings, w["training_id"].(string))
		}
	case n >= 110 && n < 112:
		if w := c.post("/v1/parks", obj{"pairing_id": c.pick(c.pairings), "name": fmt.Sprintf("园区-%d", c.rng.Int()), "kind": "co_built_park",
			"location_code": "632624", "established_date": "2024-01-01"}); w != nil {
			c.parks = append(c.parks, w["park_id"].(string))
		}
	case n >= 112 && len(c.parks) > 0:
		// cumulative: a later report may be refused (as_of or a figure
		// going back); that is a rejection like any other
		c.post("/v1/parks/"+c.pick(c.parks)+"/reports", obj{"as_of": c.date(), "enterprises": c.rng.IntN(20), "investment_fen": c.amount()})
	default:
		kinds := map[string][]string{"donations": c.donations, "purchases": c.purchases, "sales": c.sales, "visits": c.visits,
			"secondments": c.secondments, "labour-transfers": c.labour, "enterprise-investments": c.investments, "trainings": c.trainings,
			"parks": c.parks}
		kind := []string{"donations", "purchases", "sales", "visits", "secondments", "labour-transfers", "enterprise-investments",
			"trainings", "parks"}[c.rng.IntN(9)]
		if len(kinds[kind]) == 0 {
			return
		}
		body := obj{"reason": "entry_error", "business_date": "2025-12-31"}
		if kind == "donations" || kind == "purchases" || kind == "sales" || kind == "enterprise-investments" {
			if c.rng.IntN(2) == 0 {
				body["reason"] = "funds_returned"
			}
			if c.rng.IntN(2) == 0 {
				body["amount_fen"] = c.amount() / 4
			}
		}
		c.post("/v1/"+kind+"/"+c.pick(kinds[kind])+"/reversals", body)
	}
}

// TestRandomCommandsProjectToTheLogsSums sends a randomized stream of 5,000
// commands through HTTP, from four clients at once (each with pairings of
// its own); after the relay and the projector have caught up, every
// pairing's balances equal sums computed directly from the event log.
func TestRandomCommandsProjectToTheLogsSums(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const clients, commands = 4, 5000
	cs := make([]*commander, clients)
	var pairings []string
	for i := range cs {
		c := &commander{s: s, rng: rand.New(rand.NewPCG(7, uint64(11+i)))}
		for j := range 3 {
			var w map[string]any
			if st := s.do(http.MethodPost, "/v1/pairings", obj{"donor": obj{"code": "D1", "name": "甲区", "short_name": "甲"},
				"partner": obj{"code": fmt.Sprintf("6326%d%d", i, j), "name": "乙县", "short_name": "乙"}, "programme": "east_west",
				"agreement_doc_no": "协议", "valid_from": "2020-01-01", "valid_to": "2030-12-31"}, &w); st != http.StatusCreated {
				t.Fatalf("pairing: %d", st)
			}
			c.pairings = append(c.pairings, w["pairing_id"].(string))
		}
		pairings = append(pairings, c.pairings...)
		cs[i] = c
	}
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			for range commands / clients {
				c.step()
			}
		})
	}
	wg.Wait()
	accepted, rejected := 0, 0
	for _, c := range cs {
		accepted, rejected = accepted+c.accepted, rejected+c.rejected
	}
	head := s.waitProjected()
	t.Logf("%d commands: %d accepted, %d rejected; ledger head %d", commands, accepted, rejected, head)
	if accepted < commands/2 {
		t.Fatalf("only %d of %d commands were accepted: the generator is off", accepted, commands)
	}

	want := oracle(t, s)
	checked := 0
	for _, pid := range pairings {
		for _, year := range []int{2024, 2025} {
			var env struct {
				Position int64             `json:"position"`
				Data     []json.RawMessage `json:"data"`
			}
			if st := s.do(http.MethodGet, fmt.Sprintf("/v1/pairings/%s/balances?year=%d&min_position=%d", pid, year, head), nil, &env); st != http.StatusOK {
				t.Fatalf("balances: %d", st)
			}
			if env.Position < head || len(env.Data) != 1 {
				t.Fatalf("balances at %d (head %d), %d rows", env.Position, head, len(env.Data))
			}
			var f figures
			if err := json.Unmarshal(env.Data[0], &f); err != nil {
				t.Fatal(err)
			}
			if w := want[key{pid, year}]; f != w {
				t.Errorf("pairing %s %d:\n got  %+v\n want %+v", pid, year, f, w)
			}
			checked++
		}
	}
	t.Logf("compared %d pairing-years", checked)
}

type key struct {
	pairing string
	year    int
}

// figures are the balances compared with the oracle.
type figures struct {
	Fiscal struct {
		Committed      int64 `json:"committed_fen"`
		Adjusted       int64 `json:"adjusted_fen"`
		Disbursed      int64 `json:"disbursed_fen"`
		EntryError     int64 `json:"reversed_entry_error_fen"`
		FundsReturned  int64 `json:"reversed_funds_returned_fen"`
		NetDisbursed   int64 `json:"net_disbursed_fen"`
		OverCommitment int64 `json:"over_commitment_fen"`
	} `json:"fiscal"`
	Social struct {
		CashNet   int64 `json:"cash_net_fen"`
		InKindNet int64 `json:"in_kind_net_fen"`
	} `json:"social"`
	Consumption struct {
		PurchasesNet int64 `json:"purchases_net_fen"`
		SalesNet     int64 `json:"sales_net_fen"`
	} `json:"consumption"`
	Staff struct {
		Persons int64 `json:"persons"`
	} `json:"staff"`
	Visits int64 `json:"visits"`
	Labour struct {
		Persons int64 `json:"persons"`
	} `json:"labour"`
	Investment struct {
		Net int64 `json:"net_fen"`
	} `json:"investment"`
	Trainings struct {
		Participants int64 `json:"participants"`
	} `json:"trainings"`
	Parks struct {
		Established int64 `json:"established"`
		Enterprises int64 `json:"enterprises"`
	} `json:"parks"`
}

// oracle computes the figures straight from the event log (GET /v1/events),
// independently of the projection's code.
func oracle(t *testing.T, s *stack) map[key]figures {
	out := map[key]figures{}
	at := func(pid string, year int) *figures {
		f := out[key{pid, year}]
		return &f
	}
	put := func(pid string, year int, f *figures) { out[key{pid, year}] = *f }
	budgetYear := map[string]int{}
	donationKind := map[string]string{}
	counted := map[string]struct { // labour transfers, trainings, parks: what each counts, in which year
		pairing string
		year    int
		count   int64
	}{}
	type parkYear struct {
		park string
		year int
	}
	parkEnterprises := map[parkYear]int64{} // each park's last report of each year
	reversedPark := map[string]bool{}
	var after int64
	for {
		var page struct {
			Events []struct {
				Type    string          `json:"type"`
				Payload json.RawMessage `json:"payload"`
			} `json:"events"`
			Next int64 `json:"next"`
			Head int64 `json:"head"`
		}
		s.do(http.MethodGet, fmt.Sprintf("/v1/events?after=%d&limit=1000", after), nil, &page)
		for _, ev := range page.Events {
			var p struct {
				PairingID    string    `json:"pairing_id"`
				PairingIDs   []string  `json:"pairing_ids"`
				CommitmentID string    `json:"commitment_id"`
				DonationID   string    `json:"donation_id"`
				OriginalID   string    `json:"original_id"`
				Amount       int64     `json:"amount_fen"`
				Delta        int64     `json:"delta_fen"`
				BudgetYear   int       `json:"budget_year"`
				Kind         string    `json:"kind"`
				Reason       string    `json:"reason"`
				Business     string    `json:"business_date"`
				Original     string    `json:"original_date"`
				Completed    string    `json:"completed_date"`
				PeriodTo     string    `json:"period_to"`
				Start        string    `json:"start_date"`
				End          string    `json:"end_date"`
				Over         *struct{} `json:"over_commitment"`
				LabourID     string    `json:"labour_transfer_id"`
				TrainingID   string    `json:"training_id"`
				ParkID       string    `json:"park_id"`
				Persons      int64     `json:"persons"`
				Participants int64     `json:"participants"`
				Invested     string    `json:"invested_date"`
				Established  string    `json:"established_date"`
				AsOf         string    `json:"as_of"`
				Enterprises  int64     `json:"enterprises"`
			}
			if err := json.Unmarshal(ev.Payload, &p); err != nil {
				t.Fatal(err)
			}
			year := func(d string) int { dd, _ := events.ParseDate(d); return dd.Year() }
			reversalYear := func() int {
				if p.Reason == "entry_error" {
					return year(p.Original)
				}
				return year(p.Business)
			}
			switch ev.Type {
			case "aid.funds_committed":
				budgetYear[p.CommitmentID] = p.BudgetYear
				f := at(p.PairingID, p.BudgetYear)
				f.Fiscal.Committed += p.Amount
				put(p.PairingID, p.BudgetYear, f)
			case "aid.commitment_adjusted":
				y := budgetYear[p.CommitmentID]
				f := at(p.PairingID, y)
				f.Fiscal.Adjusted += p.Delta
				put(p.PairingID, y, f)
			case "aid.funds_disbursed":
				y := year(p.Business)
				f := at(p.PairingID, y)
				f.Fiscal.Disbursed += p.Amount
				f.Fiscal.NetDisbursed += p.Amount
				if p.Over != nil {
					f.Fiscal.OverCommitment += p.Amount
				}
				put(p.PairingID, y, f)
			case "aid.disbursement_reversed":
				y := reversalYear()
				f := at(p.PairingID, y)
				if p.Reason == "entry_error" {
					f.Fiscal.EntryError += p.Amount
				} else {
					f.Fiscal.FundsReturned += p.Amount
				}
				f.Fiscal.NetDisbursed -= p.Amount
				put(p.PairingID, y, f)
			case "aid.donation_received":
				donationKind[p.DonationID] = p.Kind
				y := year(p.Business)
				f := at(p.PairingID, y)
				if p.Kind == "cash" {
					f.Social.CashNet += p.Amount
				} else {
					f.Social.InKindNet += p.Amount
				}
				put(p.PairingID, y, f)
			case "aid.donation_reversed":
				y := reversalYear()
				f := at(p.PairingIDs[0], y)
				if donationKind[p.OriginalID] == "cash" {
					f.Social.CashNet -= p.Amount
				} else {
					f.Social.InKindNet -= p.Amount
				}
				put(p.PairingIDs[0], y, f)
			case "aid.product_purchased":
				y := year(p.Completed)
				f := at(p.PairingID, y)
				f.Consumption.PurchasesNet += p.Amount
				put(p.PairingID, y, f)
			case "aid.purchase_reversed":
				y := reversalYear()
				f := at(p.PairingIDs[0], y)
				f.Consumption.PurchasesNet -= p.Amount
				put(p.PairingIDs[0], y, f)
			case "aid.sales_facilitated":
				y := year(p.PeriodTo)
				f := at(p.PairingID, y)
				f.Consumption.SalesNet += p.Amount
				put(p.PairingID, y, f)
			case "aid.sale_reversed":
				y := reversalYear()
				f := at(p.PairingIDs[0], y)
				f.Consumption.SalesNet -= p.Amount
				put(p.PairingIDs[0], y, f)
			case "aid.visit_conducted":
				for _, pid := range p.PairingIDs {
					f := at(pid, year(p.Start))
					f.Visits++
					put(pid, year(p.Start), f)
				}
			case "aid.visit_reversed":
				for _, pid := range p.PairingIDs {
					f := at(pid, year(p.Original))
					f.Visits--
					put(pid, year(p.Original), f)
				}
			case "aid.secondment_started":
				f := at(p.PairingID, year(p.Start))
				f.Staff.Persons++
				put(p.PairingID, year(p.Start), f)
			case "aid.secondment_reversed":
				f := at(p.PairingIDs[0], year(p.Original))
				f.Staff.Persons--
				put(p.PairingIDs[0], year(p.Original), f)
			case "aid.labour_transfer_recorded":
				counted[p.LabourID] = struct {
					pairing string
					year    int
					count   int64
				}{p.PairingID, year(p.PeriodTo), p.Persons}
				f := at(p.PairingID, year(p.PeriodTo))
				f.Labour.Persons += p.Persons
				put(p.PairingID, year(p.PeriodTo), f)
			case "aid.training_held":
				counted[p.TrainingID] = struct {
					pairing string
					year    int
					count   int64
				}{p.PairingID, year(p.End), p.Participants}
				f := at(p.PairingID, year(p.End))
				f.Trainings.Participants += p.Participants
				put(p.PairingID, year(p.End), f)
			case "aid.labour_transfer_reversed", "aid.training_reversed":
				o := counted[p.OriginalID]
				f := at(o.pairing, o.year)
				if ev.Type == "aid.training_reversed" {
					f.Trainings.Participants -= o.count
				} else {
					f.Labour.Persons -= o.count
				}
				put(o.pairing, o.year, f)
			case "aid.enterprise_investment_recorded":
				f := at(p.PairingID, year(p.Invested))
				f.Investment.Net += p.Amount
				put(p.PairingID, year(p.Invested), f)
			case "aid.investment_reversed":
				f := at(p.PairingIDs[0], reversalYear())
				f.Investment.Net -= p.Amount
				put(p.PairingIDs[0], reversalYear(), f)
			case "aid.park_established":
				counted[p.ParkID] = struct {
					pairing string
					year    int
					count   int64
				}{p.PairingID, year(p.Established), 1}
				f := at(p.PairingID, year(p.Established))
				f.Parks.Established++
				put(p.PairingID, year(p.Established), f)
			case "aid.park_reported":
				parkEnterprises[parkYear{p.ParkID, year(p.AsOf)}] = p.Enterprises
			case "aid.park_reversed":
				reversedPark[p.OriginalID] = true
				o := counted[p.OriginalID]
				f := at(o.pairing, o.year)
				f.Parks.Established--
				put(o.pairing, o.year, f)
			}
		}
		if len(page.Events) == 0 {
			break
		}
		after = page.Next
	}
	for py, n := range parkEnterprises {
		if !reversedPark[py.park] {
			o := counted[py.park]
			f := at(o.pairing, py.year)
			f.Parks.Enterprises += n
			put(o.pairing, py.year, f)
		}
	}
	return out
}
