package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

// Each start of the demo issues short-lived tokens and revokes those of the
// start before, so a demo left running does not accumulate live tokens.
func TestDemoTokensReplaceTheLastStartsTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tokens := auth.NewTokens(testenv.MigratedPool(t, auth.Migrations))
	keep, err := tokens.Create(ctx, auth.Principal{Name: "审计局 李四", Role: auth.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	first, err := demoTokens(ctx, tokens, demoRoles)
	if err != nil {
		t.Fatal(err)
	}
	second, err := demoTokens(ctx, tokens, demoRoles)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range demoRoles {
		if _, err := tokens.Authenticate(ctx, first[i]); !errors.Is(err, auth.ErrInvalidToken) {
			t.Errorf("%s's token of the first start: %v, want revoked", p.Role, err)
		}
		if got, err := tokens.Authenticate(ctx, second[i]); err != nil || got != p {
			t.Errorf("%s's token of the second start: %+v, %v", p.Role, got, err)
		}
	}
	if _, err := tokens.Authenticate(ctx, keep); err != nil {
		t.Errorf("a token the demo did not issue: %v, want it untouched", err)
	}
	list, err := tokens.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range list {
		if ti.CreatedBy == demoIssuer.Actor() && ti.Live(time.Now()) && (ti.ExpiresAt == nil || ti.ExpiresAt.After(time.Now().Add(demoTokenTTL))) {
			t.Errorf("demo token %s expires %v, want within %s", ti.ID, ti.ExpiresAt, demoTokenTTL)
		}
	}
}
