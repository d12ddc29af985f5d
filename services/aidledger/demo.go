package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/intake/demo"
)

// DemoCmd runs the whole ledger on embedded defaults with demo data.
type DemoCmd struct {
	DatabaseFlags
	NATSFlags
	HTTP string `name:"http" default:"127.0.0.1:8080" help:"Address to serve HTTP on."`
}

// Run starts Postgres (private unless DATABASE_URL), NATS (embedded unless
// NATS_URL), loads the demo data, runs the relay, the projector and the API,
// and prints a token for each role with example requests. Running it again
// reuses the data directory and loads nothing twice.
func (c *DemoCmd) Run(ctx context.Context, log *slog.Logger) error {
	s, err := openStack(ctx, log, c.DatabaseFlags, c.NATSFlags)
	if err != nil {
		return err
	}
	defer s.Close()
	key, err := demoLogKey(c.DataDir)
	if err != nil {
		return err
	}
	if err := s.useLogKey(CheckpointFlags{LogKey: key, CheckpointEvery: 10 * time.Second, CheckpointEvents: 1000}); err != nil {
		return err
	}
	sum, err := demo.Load(ctx, s.store)
	if err != nil {
		return err
	}
	log.Info("demo data loaded", "commands", sum.Commands, "new", sum.Written, "position", sum.Position)
	tokens, err := demoTokens(ctx, auth.NewTokens(s.db.Pool), demoRoles)
	if err != nil {
		return err
	}
	fmt.Printf("\naidledger demo — http://%s  (Ctrl-C stops; data stays in %s; NATS at %s)\n\n", c.HTTP, c.DataDir, redacted(s.natsURL))
	fmt.Printf("API tokens (valid for %d hours; the next start of the demo revokes them):\n", int(demoTokenTTL.Hours()))
	for i, p := range demoRoles {
		fmt.Printf("  %-8s %-14s %s\n", p.Role, p.DonorCode+p.PartnerCode, tokens[i])
	}
	recorder := tokens[1] // demoRoles[1], the recorder
	if err := demoUsers(ctx, s.db.Pool, demoRoles); err != nil {
		return err
	}
	base := "http://" + c.HTTP
	fmt.Printf(`
Web interface: %[1]s/ — sign in as admin, zhonglou (recorder 320404), auditor or banma (partner 632624),
password %[3]s (demo accounts only).

Try the API:
  curl -s %[1]s/v1/pairings -H "Authorization: Bearer %[2]s"
  curl -s "%[1]s/v1/balances?donor=320404&year=2025" -H "Authorization: Bearer %[2]s"
  curl -s "%[1]s/v1/audit?type=aid.disbursement_reversed" -H "Authorization: Bearer %[2]s"
  curl -s "%[1]s/v1/events?limit=3" -H "Authorization: Bearer %[2]s"
  curl -s %[1]s/v1/openapi.json
  curl -s %[1]s/metrics -H "Authorization: Bearer %[4]s" | grep aidledger_
  curl -s %[1]s/v1/checkpoint -H "Authorization: Bearer %[2]s"   (the transparency log; public key %[5]s)

`, base, recorder, auth.DemoPassword, tokens[0], strings.TrimSuffix(key, transparency.KeySuffix)+transparency.PubSuffix) // tokens[0]: demoRoles[0], the admin
	return s.serve(ctx, c.HTTP, true, true)
}

// demoRoles are the demo's principals, one of each role.
var demoRoles = []auth.Principal{
	{Name: "演示管理员", Role: auth.RoleAdmin},
	{Name: "钟楼区财政局", Role: auth.RoleRecorder, DonorCode: "320404"},
	{Name: "审计局", Role: auth.RoleAuditor},
	{Name: "班玛县财政局", Role: auth.RolePartner, PartnerCode: "632624"},
}

// demoIssuer issues the demo's tokens; demoTokenTTL is how long they live.
var demoIssuer = auth.Principal{Name: "aidledger demo", Role: auth.RoleAdmin}

const demoTokenTTL = 24 * time.Hour

// demoTokens revokes the tokens an earlier start of the demo issued, then
// issues one for each principal, which expires after demoTokenTTL.
func demoTokens(ctx context.Context, tokens *auth.Tokens, principals []auth.Principal) ([]string, error) {
	issued, err := tokens.List(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for _, ti := range issued {
		if ti.CreatedBy == demoIssuer.Actor() && ti.Live(now) {
			if err := tokens.Revoke(ctx, demoIssuer, ti.ID); err != nil {
				return nil, err
			}
		}
	}
	out := make([]string, len(principals))
	for i, p := range principals {
		if out[i], _, err = tokens.Issue(ctx, demoIssuer, p, demoTokenTTL); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// demoLogins are the logins of the demo's web accounts, by role.
var demoLogins = map[auth.Role]string{auth.RoleAdmin: "admin", auth.RoleRecorder: "zhonglou", auth.RoleAuditor: "auditor",
	auth.RolePartner: "banma"}

// demoUsers creates a web account for each demo principal, once.
func demoUsers(ctx context.Context, pool *pgxpool.Pool, roles []auth.Principal) error {
	users := auth.NewDemoUsers(pool)
	for _, p := range roles {
		err := users.Create(ctx, auth.System, auth.User{Login: demoLogins[p.Role], Principal: p}, auth.DemoPassword)
		if err != nil && !errors.Is(err, auth.ErrUserExists) {
			return err
		}
	}
	return nil
}
