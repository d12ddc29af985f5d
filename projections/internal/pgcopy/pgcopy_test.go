package pgcopy_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/projections/internal/pgcopy"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// begin connects to a new database and returns a transaction on it, rolled
// back at the end of the test.
func begin(t *testing.T) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(context.Background()) })
	return tx
}

func exec(t *testing.T, tx pgx.Tx, sql string) {
	t.Helper()
	if _, err := tx.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestBytes pins the wire format of every method, independently of a
// server.
func TestBytes(t *testing.T) {
	t.Parallel()
	w := pgcopy.New("t", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o")
	w.Row()
	w.Null()
	w.Text("中")
	w.TextOrNull("")
	w.TextOrNull("x")
	w.TextPtr(nil)
	w.TextPtr(ptr(""))
	w.Int4(-2)
	w.Int8(1 << 40)
	w.Bool(true)
	w.Bytea([]byte{0, 0xff})
	w.Timestamptz(time.Date(2000, 1, 1, 0, 0, 1, 2500, time.UTC)) // 1,000,002 µs
	w.DateOrNull(time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC))
	w.EventDateOrNull(events.Date{})
	w.TextArray(nil)
	w.TextArray([]string{"ab", ""})
	want := strings.Join([]string{
		"PGCOPY\n\xff\r\n\x00", "\x00\x00\x00\x00", "\x00\x00\x00\x00", // header
		"\x00\x0f",              // 15 fields
		"\xff\xff\xff\xff",      // NULL
		"\x00\x00\x00\x03", "中", // text
		"\xff\xff\xff\xff",      // TextOrNull("")
		"\x00\x00\x00\x01", "x", // TextOrNull("x")
		"\xff\xff\xff\xff",                     // TextPtr(nil)
		"\x00\x00\x00\x00",                     // TextPtr(&"")
		"\x00\x00\x00\x04", "\xff\xff\xff\xfe", // int4
		"\x00\x00\x00\x08", "\x00\x00\x01\x00\x00\x00\x00\x00", // int8
		"\x00\x00\x00\x01", "\x01", // bool
		"\x00\x00\x00\x02", "\x00\xff", // bytea
		"\x00\x00\x00\x08", "\x00\x00\x00\x00\x00\x0f\x42\x42", // timestamptz
		"\x00\x00\x00\x04", "\xff\xff\xff\xff", // date: day -1
		"\xff\xff\xff\xff",                                                             // zero events.Date
		"\x00\x00\x00\x0c", "\x00\x00\x00\x00", "\x00\x00\x00\x00", "\x00\x00\x00\x19", // {}
		"\x00\x00\x00\x1e", "\x00\x00\x00\x01", "\x00\x00\x00\x00", "\x00\x00\x00\x19", // {ab,""}: 1 dim, no NULLs, text
		"\x00\x00\x00\x02", "\x00\x00\x00\x01", // 2 elements from 1
		"\x00\x00\x00\x02", "ab", "\x00\x00\x00\x00",
		"\xff\xff", // trailer
	}, "")
	if got := w.Bytes(); !bytes.Equal(got, []byte(want)) {
		t.Errorf("Bytes() =\n%q\nwant\n%q", got, want)
	}
	if w.Len() != 1 {
		t.Errorf("Len() = %d, want 1", w.Len())
	}
	if got, want := w.Statement(), "COPY t (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o) FROM STDIN (FORMAT binary)"; got != want {
		t.Errorf("Statement() = %q, want %q", got, want)
	}

	// Bytes leaves the body open: more rows follow the previous ones, and
	// Reset starts over.
	w2 := pgcopy.New("t", "a")
	w2.Row()
	w2.Int4(1)
	_ = w2.Bytes()
	w2.Row()
	w2.Int4(2)
	if got, want := w2.Bytes(), []byte(header()+"\x00\x01\x00\x00\x00\x04\x00\x00\x00\x01\x00\x01\x00\x00\x00\x04\x00\x00\x00\x02\xff\xff"); !bytes.Equal(got, want) {
		t.Errorf("after two rows: %q, want %q", got, want)
	}
	w2.Reset()
	if got, want := w2.Bytes(), []byte(header()+"\xff\xff"); !bytes.Equal(got, want) || w2.Len() != 0 {
		t.Errorf("after Reset: %q (%d rows), want %q", got, w2.Len(), want)
	}
}

func header() string { return "PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00" }

// row is a row of the round-trip table, one column per method.
type row struct {
	id         int32
	big        int64
	t          string
	tOrNull    string
	tPtr       *string
	flag       bool
	raw        []byte
	doc        []byte
	at         time.Time
	day        time.Time
	eventDay   events.Date
	tags       []string
	tagsIsNull bool
}

var roundTripColumns = []string{"id", "big", "t", "t_or_null", "t_ptr", "flag", "raw", "doc", "at", "day", "event_day", "tags"}

const roundTripTable = `CREATE TEMP TABLE round_trip (
	id        integer PRIMARY KEY,
	big       bigint,
	t         text,
	t_or_null text,
	t_ptr     text,
	flag      boolean,
	raw       bytea,
	doc       json,
	at        timestamptz,
	day       date,
	event_day date,
	tags      text[]
)`

func write(w *pgcopy.Rows, r row) {
	w.Row()
	w.Int4(r.id)
	w.Int8(r.big)
	w.Text(r.t)
	w.TextOrNull(r.tOrNull)
	w.TextPtr(r.tPtr)
	w.Bool(r.flag)
	w.Bytea(r.raw)
	w.Bytea(r.doc)
	w.Timestamptz(r.at)
	w.DateOrNull(r.day)
	w.EventDateOrNull(r.eventDay)
	if r.tagsIsNull {
		w.Null()
	} else {
		w.TextArray(r.tags)
	}
}

// TestRoundTrip copies rows of every type into a real table and reads them
// back.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := begin(t)
	exec(t, tx, roundTripTable)

	cst := events.ChinaTime
	rows := []row{{
		id: 1, big: 42, t: "对口支援", tOrNull: "资金拨付", tPtr: ptr("援建项目"), flag: true,
		raw: []byte{0, 1, 0xfe, 0xff}, doc: []byte(`{"摘要": "拨付", "n": [1, 2]}`),
		at:  time.Date(2024, 3, 15, 9, 30, 45, 123456000, cst),
		day: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), eventDay: events.DateOf(2024, 12, 31),
		tags: []string{"喀什-深圳", "和田-北京", ""},
	}, {
		// The zero values: NULL where the method says so, empty otherwise.
		id: 2, tPtr: ptr(""), raw: []byte{}, doc: []byte(`null`), tags: []string{},
	}, {
		// Extremes and the far past and future.
		id: math.MaxInt32, big: math.MaxInt64, t: "a'b\"c\\d\te\nf 🙂", tOrNull: "x", flag: false,
		raw: bytes.Repeat([]byte{0xab}, 70000), doc: []byte(`"` + strings.Repeat("长", 30000) + `"`),
		at:  time.Date(1900, 1, 1, 0, 0, 0, 999, time.UTC), // the nanoseconds are dropped
		day: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), eventDay: events.DateOf(9999, 12, 31),
		tags: []string{"甲"},
	}, {
		id: math.MinInt32, big: math.MinInt64, t: "", tOrNull: "", flag: true, raw: nil, doc: []byte(`[]`),
		at:  time.Date(2262, 4, 11, 23, 47, 16, 854775000, time.UTC),
		day: time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), eventDay: events.DateOf(2000, 1, 1),
		tagsIsNull: true,
	}, {
		id: 5, doc: []byte(`{}`), at: time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC), // just before the epoch
		eventDay: events.DateOf(2300, 1, 1), tags: []string{"NULL", "{a,b}", `"`},
	}}

	w := pgcopy.New("round_trip", roundTripColumns...)
	for _, r := range rows {
		write(w, r)
	}
	// A row of NULLs, one per column, through Null.
	w.Row()
	w.Int4(6)
	for range len(roundTripColumns) - 1 {
		w.Null()
	}
	if err := w.Send(ctx, tx); err != nil {
		t.Fatal(err)
	}

	got, err := pgx.CollectRows(must(tx.Query(ctx, `SELECT id, big, t, t_or_null, t_ptr, flag, raw, doc::text, at, day, event_day,
		day::text, event_day::text, tags, tags IS NULL, array_lower(tags, 1) FROM round_trip ORDER BY id`)),
		func(rs pgx.CollectableRow) (readBack, error) {
			var b readBack
			err := rs.Scan(&b.id, &b.big, &b.t, &b.tOrNull, &b.tPtr, &b.flag, &b.raw, &b.doc, &b.at, &b.day, &b.eventDay,
				&b.dayText, &b.eventDayText, &b.tags, &b.tagsIsNull, &b.lower)
			return b, err
		})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int32]readBack{}
	for _, g := range got {
		byID[*g.id] = g
	}
	if len(got) != len(rows)+1 || len(byID) != len(got) {
		t.Fatalf("read back %d rows (%d ids), want %d", len(got), len(byID), len(rows)+1)
	}
	for _, r := range rows {
		g := byID[r.id]
		t.Run(strconv.Itoa(int(r.id)), func(t *testing.T) {
			checkEqual(t, "id", *g.id, r.id)
			checkEqual(t, "big", *g.big, r.big)
			checkEqual(t, "t", *g.t, r.t)
			checkNullable(t, "t_or_null", g.tOrNull, r.tOrNull, r.tOrNull != "")
			checkNullable(t, "t_ptr", g.tPtr, deref(r.tPtr), r.tPtr != nil)
			checkEqual(t, "flag", *g.flag, r.flag)
			if g.raw == nil || !bytes.Equal(g.raw, r.raw) {
				t.Errorf("raw = %x (nil %t), want %x", g.raw, g.raw == nil, r.raw)
			}
			checkEqual(t, "doc", *g.doc, string(r.doc))
			if !g.at.Equal(r.at.Truncate(time.Microsecond)) {
				t.Errorf("at = %v, want %v", g.at, r.at)
			}
			checkNullable(t, "day", g.dayText, r.day.Format(time.DateOnly), !r.day.IsZero())
			checkNullable(t, "event_day", g.eventDayText, r.eventDay.String(), !r.eventDay.IsZero())
			if !r.day.IsZero() && !g.day.Equal(r.day) {
				t.Errorf("day scanned = %v, want %v", g.day, r.day)
			}
			if !r.eventDay.IsZero() && !g.eventDay.Equal(r.eventDay.Time()) {
				t.Errorf("event_day scanned = %v, want %v", g.eventDay, r.eventDay.Time())
			}
			checkEqual(t, "tags IS NULL", g.tagsIsNull, r.tagsIsNull)
			if !r.tagsIsNull {
				if !slices.Equal(g.tags, r.tags) {
					t.Errorf("tags = %q, want %q", g.tags, r.tags)
				}
				if len(r.tags) > 0 {
					checkNullable(t, "array_lower(tags, 1)", g.lower, 1, true)
				} else {
					checkNullable(t, "array_lower(tags, 1)", g.lower, 0, false) // the empty array: no dimensions
				}
			}
		})
	}
	nulls := byID[6]
	if nulls.id == nil || nulls.big != nil || nulls.t != nil || nulls.tOrNull != nil || nulls.tPtr != nil || nulls.flag != nil ||
		nulls.raw != nil || nulls.doc != nil || nulls.at != nil || nulls.day != nil || nulls.eventDay != nil || !nulls.tagsIsNull {
		t.Errorf("row of NULLs read back as %+v", nulls)
	}
}

// readBack is a row read back, every column nullable.
type readBack struct {
	id                    *int32
	big                   *int64
	t, tOrNull, tPtr, doc *string
	flag                  *bool
	raw                   []byte
	at, day, eventDay     *time.Time
	dayText, eventDayText *string
	tags                  []string
	tagsIsNull            bool
	lower                 *int32
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func checkEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// checkNullable checks that got is want when valid, NULL otherwise.
func checkNullable[T comparable](t *testing.T, what string, got *T, want T, valid bool) {
	t.Helper()
	switch {
	case !valid && got != nil:
		t.Errorf("%s = %v, want NULL", what, *got)
	case valid && got == nil:
		t.Errorf("%s = NULL, want %v", what, want)
	case valid && *got != want:
		t.Errorf("%s = %v, want %v", what, *got, want)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestReplaceNUL: with ReplaceNUL a NUL in text and text[] is stored as
// U+FFFD (bytea is verbatim); without it PostgreSQL refuses the COPY.
func TestReplaceNUL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := begin(t)
	exec(t, tx, `CREATE TEMP TABLE nul (t text, n text, p text, a text[], b bytea)`)

	w := pgcopy.New("nul", "t", "n", "p", "a", "b")
	w.ReplaceNUL = true
	w.Row()
	w.Text("a\x00b")
	w.TextOrNull("\x00")
	w.TextPtr(ptr("拨\x00付\x00"))
	w.TextArray([]string{"\x00", "ok"})
	w.Bytea([]byte("a\x00b"))
	if err := w.Send(ctx, tx); err != nil {
		t.Fatal(err)
	}
	var s, n, p string
	var a []string
	var b []byte
	if err := tx.QueryRow(ctx, `SELECT t, n, p, a, b FROM nul`).Scan(&s, &n, &p, &a, &b); err != nil {
		t.Fatal(err)
	}
	if s != "a\uFFFDb" || n != "\uFFFD" || p != "拨\uFFFD付\uFFFD" || !slices.Equal(a, []string{"\uFFFD", "ok"}) || string(b) != "a\x00b" {
		t.Errorf("read back %q %q %q %q %q", s, n, p, a, b)
	}

	for column, write := range map[string]func(w *pgcopy.Rows){
		"t": func(w *pgcopy.Rows) { w.Text("a\x00b") },
		"a": func(w *pgcopy.Rows) { w.TextArray([]string{"a\x00b"}) },
	} {
		exec(t, tx, `SAVEPOINT s`)
		w := pgcopy.New("nul", column)
		w.Row()
		write(w)
		err := w.Send(ctx, tx)
		if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "22021" { // character_not_in_repertoire
			t.Errorf("NUL in %s without ReplaceNUL: Send = %v, want SQLSTATE 22021", column, err)
		}
		exec(t, tx, `ROLLBACK TO SAVEPOINT s`)
	}
}

// TestSend: nothing to send, a miscounted row, a PostgreSQL error.
func TestSend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// No rows: no statement, so no transaction needed.
	if err := pgcopy.New("nowhere", "a").Send(ctx, nil); err != nil {
		t.Errorf("Send of no rows = %v, want nil", err)
	}

	tx := begin(t)
	exec(t, tx, `CREATE TEMP TABLE keyed (id integer PRIMARY KEY, note text)`)

	// A row short of a field is refused before anything is sent.
	w := pgcopy.New("keyed", "id", "note")
	w.Row()
	w.Int4(1)
	w.Text("one")
	w.Row()
	w.Int4(2)
	before := bytes.Clone(w.Bytes())
	if err := w.Send(ctx, tx); err == nil || err.Error() != "3 fields for 2 rows of 2 columns" {
		t.Errorf("Send of a short row = %v", err)
	}
	if !bytes.Equal(w.Bytes(), before) {
		t.Error("Send changed the body")
	}
	w.Text("two")
	if err := w.Send(ctx, tx); err != nil {
		t.Fatal(err)
	}

	// A key already there: the server's error, as a *pgconn.PgError.
	w.Reset()
	w.Row()
	w.Int4(2)
	w.Null()
	err := w.Send(ctx, tx)
	if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Errorf("Send of a duplicate key = %v, want SQLSTATE 23505", err)
	}
}

// TestNoAllocs: once its buffer has grown, writing rows allocates nothing.
func TestNoAllocs(t *testing.T) {
	for _, replace := range []bool{false, true} {
		w := pgcopy.New("round_trip", roundTripColumns...)
		w.ReplaceNUL = replace
		r := benchRow()
		for range 100 {
			write(w, r)
		}
		allocs := testing.AllocsPerRun(100, func() {
			w.Reset()
			for range 100 {
				write(w, r)
			}
			_ = w.Bytes()
		})
		if allocs != 0 {
			t.Errorf("ReplaceNUL %t: %v allocations per 100 rows, want 0", replace, allocs)
		}
	}
}

func benchRow() row {
	return row{
		id: 7, big: 1234567890, t: "01J9Z3X7K2M4N6P8Q0R2S4T6V8", tOrNull: "援建项目", tPtr: ptr("深圳市"), flag: true,
		raw: bytes.Repeat([]byte{7}, 32), doc: []byte(`{"amount_fen": 100000000, "doc_no": "深财〔2024〕101号"}`),
		at: time.Date(2024, 3, 15, 9, 30, 45, 0, time.UTC), day: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC),
		eventDay: events.DateOf(2024, 3, 1), tags: []string{"PAIR-SZ-KS", "PAIR-BJ-HT"},
	}
}

// BenchmarkRow is the cost of writing one row of every type.
func BenchmarkRow(b *testing.B) {
	w := pgcopy.New("round_trip", roundTripColumns...)
	r := benchRow()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%5000 == 0 {
			w.Reset()
		}
		write(w, r)
	}
}
