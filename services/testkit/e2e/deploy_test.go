package e2e_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"golang.org/x/mod/modfile"

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

// The compose stack runs the NATS server version the code is built and
// tested with (go.mod's nats-server), and reads its secrets from the
// environment.
func TestComposePinsTheTestedNATS(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax("go.mod", mod, nil)
	if err != nil {
		t.Fatal(err)
	}
	version := ""
	for _, r := range f.Require {
		if r.Mod.Path == "github.com/nats-io/nats-server/v2" {
			version = strings.TrimPrefix(r.Mod.Version, "v")
		}
	}
	compose, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "image: nats:" + version + "-alpine"; version == "" || !strings.Contains(string(compose), want) {
		t.Errorf("docker-compose.yml does not run %q (go.mod's nats-server)", want)
	}
	for _, secret := range []string{"${AIDLEDGER_NATS_PASSWORD:?", "${AIDLEDGER_NATS_READER_PASSWORD:?"} {
		if !strings.Contains(string(compose), secret) {
			t.Errorf("docker-compose.yml does not take %s… from the environment", secret)
		}
	}
}
