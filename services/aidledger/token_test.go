package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/testkit/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// token create prints the token alone on stdout, and the token
// authenticates as the principal asked for.
func TestTokenCreatePrintsOnlyTheToken(t *testing.T) {
	url := testenv.Postgres(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	cmd := &TokenCreateCmd{DatabaseFlags: DatabaseFlags{DatabaseURL: url}, Role: "recorder", Donor: "320404", Name: "钟楼区财政局"}
	runErr := cmd.Run(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	if runErr != nil {
		t.Fatal(runErr)
	}
	token := strings.TrimSuffix(string(out), "\n")
	if !strings.HasPrefix(token, "ald_") || strings.ContainsAny(token, " \n") {
		t.Fatalf("stdout %q: want the token alone", out)
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	p, err := auth.NewTokens(pool).Authenticate(context.Background(), token)
	if err != nil || p.Role != auth.RoleRecorder || p.DonorCode != "320404" || p.Name != "钟楼区财政局" {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
	bad := &TokenCreateCmd{DatabaseFlags: DatabaseFlags{DatabaseURL: url}, Role: "recorder", Name: "x"}
	if err := bad.Run(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil || !strings.Contains(err.Error(), "--donor") {
		t.Fatalf("a recorder without a donor: %v", err)
	}
}
