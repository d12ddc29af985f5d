package forms

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/aidledger/aidledger/events"
)

func TestParseYuan(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"12345.67": 1234567, "12,345.6": 1234560, "300": 30000, "-300": -30000,
		"¥1,000.00": 100000, "0.01": 1, ".5": 50, "7元": 700, "100000000000": 10_000_000_000_000} {
		if got, err := ParseYuan(in); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.234", "abc", "1e5", "12.3.4", "100000000000.01", "--1", "1 000", "."} {
		if got, err := ParseYuan(in); err == nil {
			t.Errorf("ParseYuan(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"2025-03-01", "2025/3/1", "2025年3月1日", " 2025.03.01 "} {
		if d, err := ParseDate(in); err != nil || d.String() != "2025-03-01" {
			t.Errorf("ParseDate(%q) = %v, %v", in, d, err)
		}
	}
	for _, in := range []string{"2025-02-30", "03/01/2025", "yesterday"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q): want an error", in)
		}
	}
}

func TestBody(t *testing.T) {
	t.Parallel()
	f, _ := Lookup("disbursement")
	body, errs := f.Body(map[string]string{"commitment_id": "C1", "amount_fen": "1,000.50", "business_date": "2025/4/1",
		"payee_name": "乙县财政局", "voucher_no": "PZ-1", "over_commitment.approved_by": " "})
	if errs != nil {
		t.Fatal(errs)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got["amount_fen"] != float64(100050) || got["business_date"] != "2025-04-01" || got["over_commitment"] != nil {
		t.Errorf("body %s", body)
	}
	_, errs = f.Body(map[string]string{"amount_fen": "1.234", "business_date": "someday", "over_commitment.justification": "超支"})
	keys := map[string]bool{}
	for _, e := range errs {
		keys[e.Key] = true
		if e.ZH == "" || e.EN == "" {
			t.Errorf("error without a message: %+v", e)
		}
	}
	for _, k := range []string{"commitment_id", "amount_fen", "business_date", "payee_name", "voucher_no"} {
		if !keys[k] {
			t.Errorf("no error for %s: %+v", k, errs)
		}
	}
	v, _ := Lookup("visit")
	body, errs = v.Body(map[string]string{"pairing_ids": "P1,P2、P3", "direction": "走出去(赴受援地)", "start_date": "2025-05-05"})
	if errs != nil {
		t.Fatal(errs)
	}
	if string(body) != `{"direction":"outbound","pairing_ids":["P1","P2","P3"],"start_date":"2025-05-05"}` {
		t.Errorf("visit body %s", body)
	}
	body, errs = v.Body(map[string]string{"pairing_ids": "P1", "direction": "outbound", "start_date": "2025-05-05", "led_by_principal": "是"})
	if errs != nil || string(body) != `{"direction":"outbound","led_by_principal":true,"pairing_ids":["P1"],"start_date":"2025-05-05"}` {
		t.Errorf("visit body %s (%v)", body, errs)
	}
	if _, errs = v.Body(map[string]string{"pairing_ids": "P1", "direction": "outbound", "start_date": "2025-05-05", "led_by_principal": "也许"}); len(errs) != 1 {
		t.Errorf("a yes-or-no field took 也许: %v", errs)
	}
	if f.FieldOf("over_commitment") != "over_commitment.justification" || v.FieldOf("pairing_ids[2]") != "pairing_ids" || f.FieldOf("nope") != "" {
		t.Error("FieldOf")
	}
}

// A commitment's shares are read as pairings with amounts in 元, a blank
// amount being 0, the commitment's own pairing put first.
func TestShares(t *testing.T) {
	t.Parallel()
	c, _ := Lookup("commitment")
	values := map[string]string{"pairing_id": "P2", "amount_fen": "3000000", "budget_year": "2025", "source_level": "city",
		"doc_no": "市财〔2025〕8号", "business_date": "2025-03-01"}
	values["shares"] = "P1=1,000,000.50；P2：\nP3=0"
	body, errs := c.Body(values)
	if errs != nil {
		t.Fatal(errs)
	}
	var got struct{ Shares []map[string]any }
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Shares) != "[map[amount_fen:0 pairing_id:P2] map[amount_fen:1.0000005e+08 pairing_id:P1] map[amount_fen:0 pairing_id:P3]]" {
		t.Errorf("shares %v", got.Shares)
	}
	for _, bad := range []string{"P1=-5", "=100", "P1=12.345", " ; "} {
		values["shares"] = bad
		if _, errs := c.Body(values); len(errs) != 1 || errs[0].Key != "shares" || errs[0].ZH == "" {
			t.Errorf("shares %q: %v", bad, errs)
		}
	}
}

// Every form's fields are complete and every choice valid.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	for _, f := range All() {
		if names[f.Name] || f.TitleZH == "" || f.TitleEN == "" || f.submit == nil {
			t.Errorf("form %q", f.Name)
		}
		names[f.Name] = true
		for _, fd := range f.Fields {
			if fd.Key == "" || fd.ZH == "" || fd.EN == "" || (fd.Kind == Choice || fd.Kind == YesNo) != (len(fd.Options) > 0) {
				t.Errorf("form %s field %+v", f.Name, fd)
			}
		}
	}
}

// TestOptionsAreTheEnums: every choice offers exactly the values of its
// enum in events, in the same order — no form can offer a value the
// ledger refuses, nor miss one it accepts.
func TestOptionsAreTheEnums(t *testing.T) {
	t.Parallel()
	values := func(opts []Option) []string {
		out := make([]string, len(opts))
		for i, o := range opts {
			out[i] = o.Value
		}
		return out
	}
	for name, tc := range map[string]struct {
		opts []Option
		enum []string
	}{
		"programme":            {Programmes, strs(events.Programmes)},
		"source level":         {SourceLevels, strs(events.SourceLevels)},
		"reason":               {Reasons, strs(events.ReversalReasons)},
		"donation kind":        {DonationKinds, strs(events.DonationKinds)},
		"donor type":           {DonorTypes, strs(events.DonorTypes)},
		"channel":              {Channels, strs(events.Channels)},
		"staff category":       {StaffCategories, strs(events.StaffCategories)},
		"direction":            {Directions, strs(events.VisitDirections)},
		"delivery mode":        {DeliveryModes, strs(events.DeliveryModes)},
		"project status":       {Statuses, strs(events.ProjectStatuses)},
		"secondment direction": {SecondmentDirections, strs(events.SecondmentDirections)},
		"labour destination":   {LabourDestinations, strs(events.LabourDestinations)},
		"training kind":        {TrainingKinds, strs(events.TrainingKinds)},
		"park kind":            {ParkKinds, strs(events.ParkKinds)},
	} {
		if got := values(tc.opts); !slices.Equal(got, tc.enum) {
			t.Errorf("%s: the form offers %v, events has %v", name, got, tc.enum)
		}
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
