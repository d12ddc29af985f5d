package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/services/reporting/witness"
)

// WitnessCmd runs a witness of a ledger's transparency log.
type WitnessCmd struct {
	Ledger    string        `name:"ledger" required:"" help:"The ledger's base URL (e.g. https://ledger.example)."`
	Token     string        `name:"token" env:"AIDLEDGER_TOKEN" required:"" help:"An API token of the ledger (an auditor's or a partner's)."`
	LedgerKey string        `name:"ledger-key" required:"" type:"existingfile" help:"The ledger log's public key (.pub), which signs its checkpoints."`
	Key       string        `name:"key" required:"" type:"existingfile" help:"This witness's secret key (aidledger keys generate --name WITNESS); its .pub beside it."`
	State     string        `name:"state" required:"" help:"Directory keeping the last checkpoint this witness saw (keep it; never share it with the ledger)."`
	Every     time.Duration `name:"every" help:"Check again this often until interrupted (default: check once)."`
}

// Run checks once (or every --every) and EXITS THE PROCESS with status 1,
// after saying why, on any inconsistency.
func (c *WitnessCmd) Run(ctx context.Context, log *slog.Logger) error {
	ledgerKey, err := transparency.LoadVerifier(c.LedgerKey)
	if err != nil {
		return err
	}
	signer, _, err := transparency.LoadSigner(c.Key)
	if err != nil {
		return err
	}
	pub, err := os.ReadFile(strings.TrimSuffix(c.Key, transparency.KeySuffix) + transparency.PubSuffix)
	if err != nil {
		return err
	}
	cfg := witness.Config{Ledger: c.Ledger, Token: c.Token, LedgerKey: ledgerKey, Signer: signer,
		PublicKey: strings.TrimSpace(string(pub)), State: c.State}
	for {
		res, err := witness.Check(ctx, cfg)
		switch {
		case res.Alarm != "":
			fmt.Fprintln(os.Stderr, "ALARM:", res.Alarm)
			os.Exit(1)
		case err != nil && c.Every == 0:
			return err
		case err != nil:
			log.Warn("witness: could not check (will retry)", "err", err)
		default:
			fmt.Printf("cosigned checkpoint size %d (root %s); previously seen size %d\n", res.Size, res.Root, res.Previous)
		}
		if c.Every == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(c.Every):
		}
	}
}
