package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aidledger/aidledger/events/relay"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/platform/embeddednats"
)

// embeddedUsers are the embedded server's users: the ledger's service
// user (the relay: everything), its reader (consumers: nothing that
// publishes an event or changes the stream), both with fresh random
// passwords, and the partner counties' feed users.
func embeddedUsers(feeds []auth.FeedUser) ([]embeddednats.User, error) {
	users := make([]embeddednats.User, 0, 2+len(feeds))
	for _, name := range []string{relay.ServiceUser, relay.ReaderUser} {
		secret := make([]byte, 24)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		u := embeddednats.User{Name: name, Password: hex.EncodeToString(secret)}
		if name == relay.ReaderUser {
			u.DenyPublish = relay.ReaderDenyPublish()
		}
		users = append(users, u)
	}
	return append(users, feedUsers(feeds)...), nil
}

// feedUsers are the partner counties' feed users: each may subscribe to
// its county's events only and publish nothing.
func feedUsers(feeds []auth.FeedUser) []embeddednats.User {
	out := make([]embeddednats.User, len(feeds))
	for i, f := range feeds {
		out[i] = embeddednats.User{Name: f.Name, Password: f.PasswordHash, Subscribe: relay.PartnerSubscribe(f.PartnerCode),
			DenyPublish: []string{">"}}
	}
	return out
}

// syncFeedUsers keeps the embedded server's feed users those of the
// database: a user created or revoked (aidledger nats-user) takes effect
// within a few seconds, without a restart.
func (s *stack) syncFeedUsers(ctx context.Context) error {
	feeds := auth.NewFeedUsers(s.db.Pool)
	var have []string
	tick := time.NewTicker(3 * time.Second)
	defer tick.Stop()
	for {
		list, err := feeds.List(ctx, false)
		if err == nil {
			names := make([]string, len(list))
			for i, f := range list {
				names[i] = f.Name + " " + f.PasswordHash
			}
			if !slices.Equal(names, have) {
				if err = s.embedded.SetUsers(append(slices.Clone(s.natsUsers[:2]), feedUsers(list)...)); err == nil {
					have = names
					s.log.Info("NATS feed users updated", "users", len(list))
				}
			}
		}
		if err != nil && ctx.Err() == nil {
			s.log.Warn("cannot update the NATS feed users (will retry)", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// NATSUserCmd manages the NATS users of partner counties' live feeds.
type NATSUserCmd struct {
	Create NATSUserCreateCmd `cmd:"" help:"Create the NATS user of a partner county's live feed: it may subscribe to its county's events (aid.*.CODE.>) only, and publish nothing."`
	List   NATSUserListCmd   `cmd:"" help:"List the feed users."`
	Revoke NATSUserRevokeCmd `cmd:"" help:"Revoke a feed user (the embedded server drops it within seconds)."`
}

// NATSUserCreateCmd creates a feed user.
type NATSUserCreateCmd struct {
	DatabaseFlags
	Partner string `name:"partner" required:"" help:"The partner county's code."`
}

// Run creates the user and prints its credentials (once) and the block
// to add to an external server's configuration.
func (c *NATSUserCreateCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	u, password, err := auth.NewFeedUsers(db.Pool).Create(ctx, cliPrincipal(), relay.PartnerUserPrefix, c.Partner)
	if err != nil {
		return err
	}
	subjects := relay.PartnerSubscribe(u.PartnerCode)
	fmt.Printf("NATS feed user %s (shown once; keep it secret):\n  user: %s\n  password: %s\n  may subscribe to: %s\n\n",
		u.Name, u.Name, password, strings.Join(subjects, ", "))
	fmt.Printf("The embedded server takes it within seconds. For an external server, add to authorization.users in its configuration:\n"+
		"  { user: %q, password: %q, permissions: { publish: { deny: [\">\"] }, subscribe: { allow: [%q] } } }\n",
		u.Name, u.PasswordHash, subjects[0])
	return nil
}

// NATSUserListCmd lists the feed users.
type NATSUserListCmd struct {
	DatabaseFlags
	All bool `name:"all" help:"Include revoked users."`
}

// Run lists them.
func (c *NATSUserListCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := auth.NewFeedUsers(db.Pool).List(ctx, c.All)
	if err != nil {
		return err
	}
	for _, u := range list {
		state := "live"
		if u.RevokedAt != nil {
			state = "revoked " + u.RevokedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(os.Stdout, "%s\tpartner %s\tcreated %s by %s\t%s\n", u.Name, u.PartnerCode, u.CreatedAt.Format(time.RFC3339), u.CreatedBy, state)
	}
	return nil
}

// NATSUserRevokeCmd revokes a feed user.
type NATSUserRevokeCmd struct {
	DatabaseFlags
	Name string `arg:"" help:"The feed user's name (partner-CODE)."`
}

// Run revokes it.
func (c *NATSUserRevokeCmd) Run(ctx context.Context, log *slog.Logger) error {
	db, err := openDatabase(ctx, c.DatabaseFlags, log)
	if err != nil {
		return err
	}
	defer db.Close()
	ok, err := auth.NewFeedUsers(db.Pool).Revoke(ctx, c.Name)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no live feed user %s", c.Name)
	}
	fmt.Printf("feed user %s revoked\n", c.Name)
	return nil
}
