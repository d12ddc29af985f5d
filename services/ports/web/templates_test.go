package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every page parses with the layout.
func TestTemplatesParse(t *testing.T) {
	t.Parallel()
	p := loadPages()
	for _, name := range []string{"login", "error", "dashboard", "pairing", "menu", "record", "audit", "history", "report", "verify", "import"} {
		if p.t[name] == nil {
			t.Errorf("no page %s", name)
		}
	}
}

// Every text key the templates and the Go code ask for has both languages.
func TestMessagesComplete(t *testing.T) {
	t.Parallel()
	keyRe := regexp.MustCompile(`\bT "([a-z][a-z0-9._]+)"|\.T\("([a-z][a-z0-9._]+)"`)
	var sources []string
	if err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(templateFiles, path)
			sources = append(sources, string(b))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		b, _ := os.ReadFile(f)
		sources = append(sources, string(b))
	}
	used := 0
	for _, src := range sources {
		for _, m := range keyRe.FindAllStringSubmatch(src, -1) {
			key := m[1] + m[2]
			used++
			if msg, ok := messages[key]; !ok || strings.TrimSpace(msg[0]) == "" || strings.TrimSpace(msg[1]) == "" {
				t.Errorf("text %q is missing or lacks a language", key)
			}
		}
	}
	if used < 100 {
		t.Fatalf("only %d uses of texts found: the pattern is off", used)
	}
}
