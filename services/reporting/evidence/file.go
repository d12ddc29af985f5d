package evidence

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// ExportAction is the access-log action of an export.
const ExportAction = "evidence.export"

// ErrNotLogged means the export could not be recorded in the access log, so no
// bundle was handed out.
var ErrNotLogged = errors.New("evidence: the export could not be recorded in the access log")

// ExportFile exports the bundle req asks for (see Export) to path, which
// it replaces atomically: the bundle is written and synced under a
// temporary name in path's directory, the export recorded in accessLog
// (who, which summary, at which position, with which seal), and only then
// renamed to path. When anything fails, path is left as it was and the
// temporary file removed; in particular no bundle is handed out whose
// export is not in the access log.
// progress is as Export's.
func ExportFile(ctx context.Context, pool *pgxpool.Pool, accessLog *auth.AccessLog, p auth.Principal, req summary.Request, path string,
	progress func(done, total int64)) (*Bundle, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	w := bufio.NewWriterSize(f, 1<<16)
	b, err := Export(ctx, pool, p, req, w, progress)
	if err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("evidence: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("evidence: sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("evidence: close %s: %w", tmp, err)
	}
	m := b.Manifest
	detail := fmt.Sprintf("cutoff %s, profile %s, position %d, head %s, %d events, seal %s", m.Cutoff, m.Profile,
		m.Chain.HeadPosition, m.Chain.HeadHash, m.Events, b.Seal)
	if err := accessLog.Record(ctx, p, ExportAction, m.Donor.Code+"/"+strconv.Itoa(m.Year), detail); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotLogged, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	done = true
	return b, nil
}

// ExportTemp exports as ExportFile does into a new temporary file, for a
// server to send; remove deletes it (call it when done, also on error).
func ExportTemp(ctx context.Context, pool *pgxpool.Pool, accessLog *auth.AccessLog, p auth.Principal, req summary.Request) (path string, b *Bundle, remove func(), err error) {
	dir, err := os.MkdirTemp("", "aidledger-evidence-")
	if err != nil {
		return "", nil, func() {}, fmt.Errorf("evidence: %w", err)
	}
	remove = func() { os.RemoveAll(dir) }
	path = filepath.Join(dir, "bundle.zip")
	b, err = ExportFile(ctx, pool, accessLog, p, req, path, nil)
	return path, b, remove, err
}

// Filename names the bundle's file: evidence-<donor>-<year>-to-<cut-off>-at-<position>.zip.
func (b *Bundle) Filename() string {
	m := b.Manifest
	return fmt.Sprintf("evidence-%s-%d-to-%s-at-%d.zip", m.Donor.Code, m.Year, m.Cutoff, m.Chain.HeadPosition)
}
