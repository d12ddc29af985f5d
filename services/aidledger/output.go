package main

import (
	"encoding/json"
	"os"
)

// printJSON writes v to stdout as indented JSON (the --json output of
// every command).
func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
