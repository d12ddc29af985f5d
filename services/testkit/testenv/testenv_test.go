package testenv_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestPostgresGivesDistinctWorkingDatabases(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	urlA, urlB := testenv.Postgres(t), testenv.Postgres(t)
	if urlA == urlB {
		t.Fatalf("both databases have the URL %s", urlA)
	}
	a, err := pgx.Connect(ctx, urlA)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	b, err := pgx.Connect(ctx, urlB)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)

	var nameA, nameB string
	if err := a.QueryRow(ctx, "select current_database()").Scan(&nameA); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow(ctx, "select current_database()").Scan(&nameB); err != nil {
		t.Fatal(err)
	}
	if nameA == nameB {
		t.Fatalf("both URLs lead to database %s", nameA)
	}

	if _, err := a.Exec(ctx, "create table only_in_a (id int)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, "select count(*) from pg_tables where tablename = 'only_in_a'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("a table created in one test database is visible in the other")
	}
}

func TestPostgresDropsDatabaseInUse(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Registered before Postgres, so this runs after the drop: the
	// connection is still open when the database is dropped.
	var conn *pgx.Conn
	t.Cleanup(func() {
		if conn != nil {
			_ = conn.Close(context.Background())
		}
	})
	var err error
	if conn, err = pgx.Connect(ctx, testenv.Postgres(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "create table t (id int)"); err != nil {
		t.Fatal(err)
	}
}

func TestNATSServesJetStream(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	srv, url := testenv.NATS(t)
	if anon, err := nats.Connect(srv.ClientURL(), nats.MaxReconnects(0)); err == nil {
		anon.Close()
		t.Fatal("the test server let an anonymous connection in")
	}
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatalf("connecting to %s: %v", url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "TESTENV", Subjects: []string{"testenv.>"}})
	if err != nil {
		t.Fatalf("creating a stream: %v", err)
	}
	ack, err := js.Publish(ctx, "testenv.hello", []byte("hi"))
	if err != nil {
		t.Fatalf("publishing: %v", err)
	}
	if ack.Stream != "TESTENV" || ack.Sequence != 1 {
		t.Fatalf("ack = %+v, want stream TESTENV sequence 1", ack)
	}
	msg, err := stream.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if string(msg.Data) != "hi" {
		t.Fatalf("stored message = %q, want hi", msg.Data)
	}

	// A second server is independent of the first.
	_, url2 := testenv.NATS(t)
	nc2, err := nats.Connect(url2)
	if err != nil {
		t.Fatal(err)
	}
	defer nc2.Close()
	js2, err := jetstream.New(nc2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js2.Stream(ctx, "TESTENV"); !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Fatalf("second server: Stream(TESTENV) error = %v, want ErrStreamNotFound", err)
	}
}
