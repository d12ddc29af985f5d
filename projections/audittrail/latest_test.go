package audittrail

import (
	"reflect"
	"testing"
)

// Latest gives the last rows a filter selects, in position order.
func TestLatest(t *testing.T) {
	t.Parallel()
	pool := newDB(t)
	evs := generate(5, 400, nil)
	applyAll(t, pool, SchemaName, evs, 100)
	for _, f := range []Filter{{}, {Type: "aid.funds_disbursed"}, {PartnerCode: "632624"}, {AsOfDate: day("2025-06-30")}} {
		every := all(t, pool, f)
		f.Latest, f.Limit = true, 7
		page, err := Query(t.Context(), pool, f)
		if err != nil {
			t.Fatal(err)
		}
		want := every[max(0, len(every)-7):]
		got, wantPos := []int64{}, []int64{}
		for _, e := range page.Entries {
			got = append(got, e.Position)
		}
		for _, e := range want {
			wantPos = append(wantPos, e.Position)
		}
		if !reflect.DeepEqual(got, wantPos) || page.NextAfter != 0 {
			t.Errorf("%+v: latest %v (next %d), want %v", f, got, page.NextAfter, wantPos)
		}
	}
}
