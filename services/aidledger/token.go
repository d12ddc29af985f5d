package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aidledger/aidledger/services/auth"
)

// TokenCmd groups token subcommands.
type TokenCmd struct {
	Create TokenCreateCmd `cmd:"" help:"Create an API token and print it (alone) on stdout."`
	List   TokenListCmd   `cmd:"" help:"List the API tokens (never the tokens themselves): id, who, expiry, last use."`
	Revoke TokenRevokeCmd `cmd:"" help:"Revoke an API token by its id (it authenticates nothing from then on)."`
}

// TokenCreateCmd creates a token.
type TokenCreateCmd struct {
	DatabaseFlags
	Role    string `required:"" enum:"admin,recorder,auditor,partner" help:"admin, recorder, auditor or partner."`
	Donor   string `help:"Donor code a recorder writes for." xor:"scope"`
	Partner string `help:"Partner county code a partner reads and confirms receipts for." xor:"scope"`
	Name    string `required:"" help:"Who the token is for; recorded as the actor of every event."`
	Expires string `default:"90d" help:"How long the token lives: a number of days (90d) or hours (12h), or 'never'."`
}

// Run creates the token. The token is shown once; only its hash is kept.
func (c *TokenCreateCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	ttl, err := parseTTL(c.Expires)
	if err != nil {
		return err
	}
	token, id, err := auth.NewTokens(db.Pool).Issue(ctx, cliPrincipal(),
		auth.Principal{Name: c.Name, Role: auth.Role(c.Role), DonorCode: c.Donor, PartnerCode: c.Partner}, ttl)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "token %s created (revoke it with: aidledger token revoke %s)\n", id, id)
	_, err = fmt.Fprintln(os.Stdout, token)
	return err
}

// parseTTL reads "90d", "12h" or "never" (a negative duration); ""
// is the default lifetime.
func parseTTL(s string) (time.Duration, error) {
	switch s {
	case "never":
		return -1, nil
	case "":
		return auth.DefaultTokenTTL, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("--expires %q: a number of days such as 90d, hours such as 12h, or never", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--expires %q: a number of days such as 90d, hours such as 12h, or never", s)
	}
	return d, nil
}

// TokenListCmd lists the tokens.
type TokenListCmd struct {
	DatabaseFlags
	All  bool `help:"Include revoked and expired tokens."`
	JSON bool `name:"json" help:"Print JSON."`
}

// Run prints the tokens.
func (c *TokenListCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := auth.NewTokens(db.Pool).List(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	if !c.All {
		list = slices.DeleteFunc(list, func(t auth.TokenInfo) bool { return !t.Live(now) })
	}
	if c.JSON {
		return printJSON(list)
	}
	for _, t := range list {
		state := "live"
		switch {
		case t.RevokedAt != nil:
			state = "revoked"
		case !t.Live(now):
			state = "expired"
		}
		fmt.Printf("%s  %-30s %-8s expires %s  last used %s\n", t.ID, t.Principal.Actor(), state, when(t.ExpiresAt), when(t.LastUsed))
	}
	return nil
}

// TokenRevokeCmd revokes a token.
type TokenRevokeCmd struct {
	DatabaseFlags
	ID string `arg:"" help:"The token's id (from token list)."`
}

// Run revokes the token.
func (c *TokenRevokeCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return auth.NewTokens(db.Pool).Revoke(ctx, cliPrincipal(), c.ID)
}
