package layout_test

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateSums = flag.Bool("update-migrations", false, "add the migrations not yet in testdata/migrations.sum to it")

// sumFile lists every migration that has landed with the SHA-256 of its
// text, one "hash  path" line each, path relative to the module root.
const sumFile = "testdata/migrations.sum"

// A migration that has landed is never edited: a database that applied it
// would never see the change (dbmigrate runs each version once). A change
// of schema is a new migration; this test fails on an edited or deleted
// migration, and on a new one not yet listed (go test -run
// TestMigrationsAppendOnly -update-migrations lists it).
func TestMigrationsAppendOnly(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	found := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || filepath.Ext(path) != ".sql" || filepath.Base(filepath.Dir(path)) != "migrations" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		sum := sha256.Sum256(b)
		found[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	if b, err := os.ReadFile(sumFile); err == nil {
		for line := range strings.Lines(string(b)) {
			if hash, path, ok := strings.Cut(strings.TrimSpace(line), "  "); ok {
				listed[path] = hash
			}
		}
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for path, hash := range listed {
		switch got, ok := found[path]; {
		case !ok:
			t.Errorf("%s has landed and is gone: a landed migration is never deleted", path)
		case got != hash:
			t.Errorf("%s has landed and was edited: write the change as a new migration", path)
		}
	}
	var added []string
	for path := range found {
		if _, ok := listed[path]; !ok {
			added = append(added, path)
		}
	}
	slices.Sort(added)
	if len(added) == 0 {
		return
	}
	if !*updateSums {
		t.Fatalf("migrations not listed in %s: %v (go test -run TestMigrationsAppendOnly -update-migrations ./services/testkit/layout/)", sumFile, added)
	}
	for _, path := range added {
		listed[path] = found[path]
	}
	var out strings.Builder
	for _, p := range slices.Sorted(maps.Keys(listed)) {
		fmt.Fprintf(&out, "%s  %s\n", listed[p], p)
	}
	if err := os.WriteFile(sumFile, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
