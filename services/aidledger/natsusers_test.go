package main

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/platform/embeddednats"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// The embedded NATS server lets no one in without a password; the reader
// consumes but can neither publish an event nor touch the stream; a
// partner county's feed user, made by nats-user create, receives its own
// county's events only, can publish nothing, and is dropped when revoked.
func TestNATSUsersAndPermissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testenv.MigratedPool(t)
	feeds := auth.NewFeedUsers(pool)
	feed, password, err := feeds.Create(ctx, cliPrincipal(), relay.PartnerUserPrefix, "632624")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := feeds.Create(ctx, cliPrincipal(), relay.PartnerUserPrefix, "632624"); !errors.Is(err, auth.ErrFeedUserExists) {
		t.Errorf("a second feed user for one county: %v", err)
	}
	list, err := feeds.List(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	users, err := embeddedUsers(list)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := embeddednats.Start(embeddednats.Config{StoreDir: filepath.Join(t.TempDir(), "nats"), Users: users})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	plain, _ := url.Parse(srv.ClientURL())
	plain.User = nil
	for name, u := range map[string]*url.URL{"anonymous": plain, "a wrong password": withUser(plain, relay.ServiceUser, "guess")} {
		if nc, err := nats.Connect(u.String(), nats.MaxReconnects(0)); err == nil {
			nc.Close()
			t.Errorf("%s connected", name)
		}
	}

	service := connect(t, srv.ClientURL(), nil)
	js, err := jetstream.New(service)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := relay.EnsureStream(ctx, js, relay.StreamConfig{}); err != nil {
		t.Fatal(err)
	}

	denied := make(chan string, 16)
	onErr := func(_ *nats.Conn, _ *nats.Subscription, err error) { denied <- err.Error() }
	partner := connect(t, withUser(plain, feed.Name, password).String(), onErr)
	own, err := partner.SubscribeSync("aid.*.632624.>")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := partner.SubscribeSync("aid.>"); err != nil {
		t.Fatal(err)
	}
	if err := partner.Publish("aid.D1.632624.aid.visit_conducted", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	partner.Flush() //nolint:errcheck // the violations arrive asynchronously
	for _, subject := range []string{"aid.D1.610927.aid.visit_conducted", "aid.D1.632624.aid.visit_conducted"} {
		if _, err := js.Publish(ctx, subject, []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	msg, err := own.NextMsg(2 * time.Second)
	if err != nil || msg.Subject != "aid.D1.632624.aid.visit_conducted" {
		t.Fatalf("the partner's feed: %v %v", msg, err)
	}
	if extra, err := own.NextMsg(300 * time.Millisecond); err == nil {
		t.Errorf("the partner received %s", extra.Subject)
	}
	violations := collect(denied, 2)
	if !strings.Contains(violations, `Subscription to "aid.>"`) || !strings.Contains(violations, "Violation for Publish") {
		t.Errorf("the partner's other subscription and its publish were not refused: %s", violations)
	}
	info, _ := js.Stream(ctx, relay.DefaultStreamName)
	if st, _ := info.Info(ctx); st.State.Msgs != 2 {
		t.Errorf("the stream holds %d messages, want the service's 2", st.State.Msgs)
	}

	reader := connect(t, srv.URLFor(relay.ReaderUser), onErr)
	rjs, err := jetstream.New(reader)
	if err != nil {
		t.Fatal(err)
	}
	short := func() context.Context { // a denied request is never answered
		c, cancel := context.WithTimeout(ctx, time.Second)
		t.Cleanup(cancel)
		return c
	}
	if _, err := rjs.Publish(short(), "aid.D1.632624.aid.visit_conducted", []byte("{}")); err == nil {
		t.Error("the reader published an event")
	}
	if err := rjs.DeleteStream(short(), relay.DefaultStreamName); err == nil {
		t.Error("the reader deleted the stream")
	}
	if st, err := rjs.Stream(ctx, relay.DefaultStreamName); err != nil || st.CachedInfo().State.Msgs != 2 {
		t.Errorf("the reader cannot read the stream, or it changed: %v", err)
	}

	// revoked: dropped without a restart
	if ok, err := feeds.Revoke(ctx, feed.Name); !ok || err != nil {
		t.Fatalf("revoke: %v %v", ok, err)
	}
	if err := srv.SetUsers(users[:2]); err != nil {
		t.Fatal(err)
	}
	if nc, err := nats.Connect(withUser(plain, feed.Name, password).String(), nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Error("a revoked feed user connected")
	}
}

func withUser(u *url.URL, name, password string) *url.URL {
	c := *u
	c.User = url.UserPassword(name, password)
	return &c
}

func connect(t *testing.T, u string, onErr nats.ErrHandler) *nats.Conn {
	t.Helper()
	opts := []nats.Option{nats.MaxReconnects(0)}
	if onErr != nil {
		opts = append(opts, nats.ErrorHandler(onErr))
	}
	nc, err := nats.Connect(u, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// collect gathers up to n messages from ch within a second.
func collect(ch chan string, n int) string {
	var got []string
	deadline := time.After(time.Second)
	for len(got) < n {
		select {
		case s := <-ch:
			got = append(got, s)
		case <-deadline:
			return strings.Join(got, "; ")
		}
	}
	return strings.Join(got, "; ")
}
