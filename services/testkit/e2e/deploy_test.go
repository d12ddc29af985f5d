package e2e_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/aidledger/aidledger/events/relay"
)

// The compose stack's NATS (deploy/nats/nats.conf) admits no one without a
// password, and its reader may not do what relay.ReaderDenyPublish denies.
func TestDeployedNATSRefusesAnonymous(t *testing.T) {
	t.Setenv("AIDLEDGER_NATS_PASSWORD", "service-secret")
	t.Setenv("AIDLEDGER_NATS_READER_PASSWORD", "reader-secret")
	opts, err := server.ProcessConfigFile(filepath.Join("..", "..", "..", "deploy", "nats", "nats.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if opts.NoAuthUser != "" || len(opts.Users) != 2 {
		t.Fatalf("users %d, no-auth user %q: want the service user and the reader, and no anonymous access", len(opts.Users), opts.NoAuthUser)
	}
	byName := map[string]*server.User{}
	for _, u := range opts.Users {
		byName[u.Username] = u
	}
	service, reader := byName[relay.ServiceUser], byName[relay.ReaderUser]
	if service == nil || service.Password != "service-secret" || reader == nil || reader.Password != "reader-secret" {
		t.Fatalf("the users' passwords do not come from the environment: %+v %+v", service, reader)
	}
	if reader.Permissions == nil || reader.Permissions.Publish == nil || !slices.Equal(reader.Permissions.Publish.Deny, relay.ReaderDenyPublish()) {
		t.Errorf("the reader's permissions are not relay.ReaderDenyPublish: %+v", reader.Permissions)
	}
}
