package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aidledger/aidledger/services/auth"
)

// TokenCmd groups token subcommands.
type TokenCmd struct {
	Create TokenCreateCmd `cmd:"" help:"Create an API token and print it (alone) on stdout."`
}

// TokenCreateCmd creates a token.
type TokenCreateCmd struct {
	DatabaseFlags
	Role    string `required:"" enum:"admin,recorder,auditor,partner" help:"admin, recorder, auditor or partner."`
	Donor   string `help:"Donor code a recorder writes for." xor:"scope"`
	Partner string `help:"Partner county code a partner reads and confirms receipts for." xor:"scope"`
	Name    string `required:"" help:"Who the token is for; recorded as the actor of every event."`
}

// Run creates the token. The token is shown once; only its hash is kept.
func (c *TokenCreateCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := auth.NewTokens(db.Pool).Create(ctx, auth.Principal{Name: c.Name, Role: auth.Role(c.Role), DonorCode: c.Donor, PartnerCode: c.Partner})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(os.Stdout, token)
	return err
}
