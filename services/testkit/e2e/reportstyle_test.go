package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aidledger/aidledger/services/reporting/report"
)

// A donor's default style (PUT report-style) writes its summaries when a
// request names no style of its own: the paragraph by programme, opened
// by the lead-in; a request's own style still wins, and a summary at an
// earlier position keeps the style it had.
func TestReportStyle(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	p := s.establish("REN", "壬区", "520001", "甲县", "east_west")
	var project struct {
		ID string `json:"project_id"`
	}
	if st := s.do(http.MethodPost, "/v1/projects", obj{"pairing_id": p, "name": "教学楼", "sector": "教育", "delivery_mode": "turnkey",
		"planned_total_fen": 100_000_000, "plan_year": 2025, "business_date": "2025-03-01", "tier": "county"}, &project); st != http.StatusCreated {
		t.Fatalf("register a project: %d", st)
	}
	if st := s.do(http.MethodPost, "/v1/projects/"+project.ID+"/progress", obj{"as_of": "2025-06-30", "status": "in_progress",
		"completed_investment_fen": 10_000_000, "started_on": "2025-03-10"}, nil); st != http.StatusCreated {
		t.Fatalf("report progress: %d", st)
	}
	rendered := func(query string) report.Rendered {
		t.Helper()
		s.waitProjected()
		st, body, _ := s.get("/v1/reports/yearend?donor=REN&year=2025&format=json" + query)
		var out report.Document
		if st != http.StatusOK || json.Unmarshal(body, &out) != nil {
			t.Fatalf("report: %d %s", st, body)
		}
		return out.Rendered
	}
	if r := rendered(""); r.Profile.Paragraph != report.ParagraphByPairing || r.Profile.Lead != "" {
		t.Fatalf("a donor without a style: %+v", r.Profile)
	}
	before := s.waitProjected()
	const lead = "2025年，壬区坚决扛起东西部协作政治责任"
	if st := s.do(http.MethodPut, "/v1/donors/REN/report-style", obj{"paragraph": "by_programme", "lead": lead}, nil); st != http.StatusCreated {
		t.Fatalf("set the style: %d", st)
	}
	r := rendered("")
	if r.Profile.Paragraph != report.ParagraphByProgramme || !strings.HasPrefix(r.Paragraph, lead+"。在东西部协作甲县") {
		t.Errorf("the default style is not used: %+v %s", r.Profile, r.Paragraph)
	}
	if r := rendered("&style=by_pairing"); r.Profile.Paragraph != report.ParagraphByPairing || !strings.HasPrefix(r.Paragraph, lead+"。在甲县") {
		t.Errorf("style=by_pairing: %+v %s", r.Profile, r.Paragraph)
	}
	if r := rendered(fmt.Sprintf("&at_position=%d", before)); r.Profile.Paragraph != report.ParagraphByPairing || strings.Contains(r.Paragraph, lead) {
		t.Errorf("the summary at the earlier position %d: %+v %s", before, r.Profile, r.Paragraph)
	}
	if st := s.do(http.MethodPut, "/v1/donors/REN/report-style", obj{"paragraph": "by_county"}, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("an unknown style: %d", st)
	}
}
