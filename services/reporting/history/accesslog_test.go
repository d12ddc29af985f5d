package history_test

import (
	"testing"
	"time"

	"github.com/aidledger/aidledger/services/auth"
)

func TestAccessLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	log := auth.NewAccessLog(e.pool)
	before := time.Now().Add(-time.Minute)
	auditor := auth.Principal{Name: "审计员", Role: auth.RoleAuditor}
	if err := log.Record(e.ctx, auditor, "history.read", "01J0000000000000000000000A", "commitment, 6 steps"); err != nil {
		t.Fatal(err)
	}
	if err := log.Record(e.ctx, recorder, "export", "D1/2025", ""); err != nil {
		t.Fatal(err)
	}
	if err := log.Record(e.ctx, auth.Principal{Role: auth.RoleAdmin}, "history.read", "x", ""); err == nil {
		t.Error("a nameless principal was logged")
	}
	if err := log.Record(e.ctx, auditor, " ", "x", ""); err == nil {
		t.Error("a blank action was logged")
	}
	got, err := log.List(e.ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d entries, want 2: %+v", len(got), got)
	}
	newest, oldest := got[0], got[1]
	if newest.Actor != "张会计" || newest.Role != auth.RoleRecorder || newest.Action != "export" || newest.Target != "D1/2025" {
		t.Errorf("newest entry %+v", newest)
	}
	if oldest.Actor != "审计员" || oldest.Role != auth.RoleAuditor || oldest.Action != "history.read" ||
		oldest.Target != "01J0000000000000000000000A" || oldest.Detail != "commitment, 6 steps" {
		t.Errorf("oldest entry %+v", oldest)
	}
	if oldest.ID >= newest.ID || oldest.At.Before(before) || oldest.At.After(time.Now().Add(time.Minute)) || oldest.At.Location() != time.UTC {
		t.Errorf("ids %d, %d; at %v", oldest.ID, newest.ID, oldest.At)
	}
	if one, err := log.List(e.ctx, 1); err != nil || len(one) != 1 || one[0].ID != newest.ID {
		t.Errorf("List(1) = %+v, %v", one, err)
	}
	// Append-only: the log cannot be edited or emptied.
	for _, sql := range []string{`UPDATE access_log SET actor = 'someone else'`, `DELETE FROM access_log`, `TRUNCATE access_log`} {
		if _, err := e.pool.Exec(e.ctx, sql); err == nil {
			t.Errorf("%s succeeded on the access log", sql)
		}
	}
}
