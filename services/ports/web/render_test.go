package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/eventstore"
)

// A page whose database went away mid-request (a failover) answers 503
// with Retry-After and says so in the page's language; anything else is
// still a 500.
func TestFailWhileTheDatabaseIsAway(t *testing.T) {
	t.Parallel()
	// Nothing listens there: the page's "read models behind" check fails
	// quietly, as it does when the database is away.
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := &Server{pages: loadPages(), cfg: Config{Pool: pool, Store: eventstore.New(pool), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	for _, c := range []struct {
		err    error
		status int
		text   string
	}{
		{&pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}, http.StatusServiceUnavailable, "数据库暂时无法访问"},
		{&pgconn.PgError{Severity: "ERROR", Code: "25006", Message: "cannot execute INSERT in a read-only transaction"}, http.StatusServiceUnavailable, "数据库暂时无法访问"},
		{io.ErrUnexpectedEOF, http.StatusInternalServerError, "服务器内部错误"},
	} {
		w := httptest.NewRecorder()
		s.fail(w, httptest.NewRequest(http.MethodGet, "/dashboard", nil), &request{lang: lang{langZH}}, c.err)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.text) {
			t.Errorf("%v: %d, want %d with %q", c.err, w.Code, c.status, c.text)
		}
		if (c.status == http.StatusServiceUnavailable) != (w.Header().Get("Retry-After") != "") {
			t.Errorf("%v: Retry-After %q", c.err, w.Header().Get("Retry-After"))
		}
	}
}
