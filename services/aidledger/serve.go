package main

import (
	"context"
	"log/slog"

	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/api"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
)

// ServeCmd serves the HTTP API.
type ServeCmd struct {
	DatabaseFlags
	HTTP string `name:"http" default:"127.0.0.1:8080" help:"Address to serve HTTP on."`
}

// Run serves until interrupted.
func (c *ServeCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	store := eventstore.New(db.Pool)
	srv := api.New(api.Config{Pool: db.Pool, Store: store, Ledger: ledger.New(store, ledger.Config{}),
		Tokens: auth.NewTokens(db.Pool), Logger: log})
	log.Info("serving the ledger API", "addr", "http://"+c.HTTP, "openapi", "http://"+c.HTTP+"/v1/openapi.json")
	return srv.ListenAndServe(ctx, c.HTTP)
}

// MigrateCmd applies the migrations.
type MigrateCmd struct {
	DatabaseFlags
}

// Run applies every migration and exits.
func (c *MigrateCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	db.Close()
	log.Info("migrations applied")
	return nil
}
