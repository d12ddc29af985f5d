package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// printJSON writes v to stdout as indented JSON (the --json output of
// every command).
func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// progress reports the progress of long work on stderr: a bar on a
// terminal, otherwise a plain line every plainEvery (and at the end), so
// that logs of scripted runs show it too. The returned report is called
// with the work done and the total foreseen (which may grow); finish ends
// the report.
func progress(what, unit string) (report func(done, total int64), finish func()) {
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		var bar *progressbar.ProgressBar
		report = func(done, total int64) {
			if bar == nil {
				bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(what),
					progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString(unit),
					progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
			}
			if total != bar.GetMax64() {
				bar.ChangeMax64(total)
			}
			_ = bar.Set64(done)
		}
		return report, func() {
			if bar != nil {
				_ = bar.Finish()
			}
		}
	}
	var last time.Time
	var lastDone, lastTotal int64
	report = func(done, total int64) {
		lastDone, lastTotal = done, total
		if time.Since(last) >= plainEvery {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "%s: %d of %d %s\n", what, done, total, unit)
		}
	}
	return report, func() {
		if !last.IsZero() {
			fmt.Fprintf(os.Stderr, "%s: %d of %d %s, done\n", what, lastDone, lastTotal, unit)
		}
	}
}

// plainEvery is how often progress is written as a plain line.
const plainEvery = 5 * time.Second
