package e2e_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/demo"
	"github.com/aidledger/aidledger/services/reporting/evidence"
)

// An auditor downloads a summary's evidence bundle over HTTP; it verifies
// offline, states the position the summary was computed at, and the
// download is in the access log. Nobody else may export one.
func TestEvidenceBundleOverHTTP(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s.store); err != nil {
		t.Fatal(err)
	}
	head := s.waitProjected()
	tokens := auth.NewTokens(s.pool)
	auditor, err := tokens.Create(ctx, auth.Principal{Name: "审计员甲", Role: auth.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	recorder, err := tokens.Create(ctx, auth.Principal{Name: "钟楼财政", Role: auth.RoleRecorder, DonorCode: "320404"})
	if err != nil {
		t.Fatal(err)
	}

	st, body, hdr := s.getAs(auditor, "/v1/evidence?donor=320404&year=2025&cutoff=2025-11-30")
	if st != http.StatusOK || hdr.Get("Content-Type") != "application/zip" {
		t.Fatalf("auditor: %d %s %.200s", st, hdr.Get("Content-Type"), body)
	}
	res, err := evidence.Verify(bytes.NewReader(body), int64(len(body)), evidence.Keys{})
	if err != nil || !res.OK {
		t.Fatalf("the downloaded bundle does not verify: %v %+v", err, res)
	}
	m := res.Manifest
	if m.Cutoff.String() != "2025-11-30" || m.Chain.HeadPosition > head || strconv.FormatInt(m.Chain.HeadPosition, 10) != hdr.Get("X-Ledger-Position") ||
		m.Chain.HeadHash.String() != hdr.Get("X-Ledger-Chain-Hash") || res.Seal != hdr.Get("X-Bundle-Seal") {
		t.Errorf("manifest %+v vs headers %v", m, hdr)
	}
	var logged int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM access_log WHERE actor = '审计员甲' AND action = $1 AND target = '320404/2025'`,
		evidence.ExportAction).Scan(&logged); err != nil || logged != 1 {
		t.Errorf("access log: %d entries (%v)", logged, err)
	}

	for _, c := range []struct {
		token, path string
		status      int
	}{
		{recorder, "/v1/evidence?donor=320404&year=2025", http.StatusForbidden},
		{auditor, "/v1/evidence?donor=320404&year=2025&cutoff=2024-11-30", http.StatusUnprocessableEntity},
		{auditor, "/v1/evidence?donor=nobody&year=2025", http.StatusNotFound},
		{auditor, "/v1/evidence?donor=320404", http.StatusUnprocessableEntity},
		{auditor, "/v1/evidence?donor=320404&year=2025&at_position=3&as_recorded_at=2025-01-01", http.StatusUnprocessableEntity},
	} {
		if st, body, _ := s.getAs(c.token, c.path); st != c.status || !bytes.Contains(body, []byte(`"message_zh"`)) {
			t.Errorf("GET %s: %d %s, want %d with a bilingual error", c.path, st, body, c.status)
		}
	}
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM access_log WHERE action = $1`, evidence.ExportAction).Scan(&logged); err != nil || logged != 1 {
		t.Errorf("refused exports were logged as exports: %d (%v)", logged, err)
	}
}
