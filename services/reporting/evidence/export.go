package evidence

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"reflect"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
	"github.com/aidledger/aidledger/services/reporting/report"
	"github.com/aidledger/aidledger/services/reporting/summary"
)

// readPage is how many events Export reads from the log at a time.
const readPage = 2000

// Bundle is what Export wrote.
type Bundle struct {
	Manifest *Manifest
	// Seal is the archive's SHA-256 (hex) as its comment states it.
	Seal string
	// Bytes is the archive's size.
	Bytes int64
	// Checkpoint is the size of the transparency log's checkpoint the
	// bundle carries (0: none covered the segment yet).
	Checkpoint int64
}

// Export writes to w the bundle of the summary req asks for (its format
// and language aside), computed at the position it resolves to (see
// summary.Compute), for principal p, who
// must be an admin or an auditor (a bundle holds every donor's events in
// its segment): 403 forbidden otherwise. It returns the bundle's manifest.
//
// It reads the summary from the yearend read model and the segment from
// the book of record, and refuses to write a bundle that would not verify:
// each event's hash is recomputed and its link to the one before checked
// as it is written (a broken chain is an error naming the position), and
// the summary is recomputed from the segment's events alone
// (yearend.Memory) and must equal the read model's (ErrReadModelDiffers
// otherwise). On any error, what was written to w is not a bundle and
// must be discarded. Errors for bad requests are *ledger.Rejection.
//
// When a checkpoint of the transparency log covers the segment, the
// bundle also carries it and the proof that the segment's events are in
// the tree it signs (MemberTransparency).
//
// Recording the export in the access log is the caller's job.
//
// progress, when not nil, is called now and then with the events written
// of the segment's total.
func Export(ctx context.Context, pool *pgxpool.Pool, p auth.Principal, req summary.Request, w io.Writer, progress func(done, total int64)) (*Bundle, error) {
	if !p.Scope().Everything() {
		return nil, &ledger.Rejection{Status: http.StatusForbidden, Code: ledger.CodeForbidden,
			Message:   "evidence bundles hold every donor's events of their chain segment: only admin and auditor may export them",
			MessageZh: "审计证据包包含链段内所有援助方的事件,仅管理员和审计人员可导出"}
	}
	var rep *yearend.Report
	var seg Segment
	var headTime time.Time
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		rep, err = summary.Compute(ctx, tx, p, req)
		if err != nil {
			return err
		}
		seg, headTime, err = segment(ctx, tx, req.DonorCode, rep.Position)
		return err
	})
	if err != nil {
		return nil, err
	}
	if seg.HeadHash.String() != rep.ChainHash {
		return nil, fmt.Errorf("evidence: the log's hash at position %d is %s, the read model's %s: run aidledger verify",
			seg.HeadPosition, seg.HeadHash, rep.ChainHash)
	}

	bw := newBundleWriter(w, headTime)
	m := &Manifest{Format: FormatName, Version: FormatVersion, Donor: rep.Donor, Year: rep.Year, Cutoff: rep.Cutoff,
		Profile: rep.Profile.Name, Chain: seg}
	if err := bw.member(MemberReadme, readme()); err != nil {
		return nil, err
	}
	memory, err := writeEvents(ctx, eventstore.New(pool), bw, m, progress)
	if err != nil {
		return nil, err
	}
	recomputed, err := memory.Compute(rep.Year, rep.Cutoff)
	if err != nil {
		return nil, fmt.Errorf("evidence: recompute the summary from the log: %w", err)
	}
	recomputed.Profile = rep.Profile
	if !reflect.DeepEqual(recomputed, rep) {
		return nil, fmt.Errorf("%w: donor %s, %d, at position %d (run aidledger verify --projections)", ErrReadModelDiffers,
			rep.Donor.Code, rep.Year, rep.Position)
	}
	renders, err := renderReport(rep)
	if err != nil {
		return nil, err
	}
	for _, r := range renders {
		if err := bw.member(r.name, r.body); err != nil {
			return nil, err
		}
	}
	tp, err := proveSegment(ctx, transparency.New(eventstore.New(pool)), seg)
	if err != nil {
		return nil, err
	}
	var checkpoint int64
	if tp != nil {
		body, err := json.MarshalIndent(tp, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("evidence: transparency proof: %w", err)
		}
		if err := bw.member(MemberTransparency, append(body, '\n')); err != nil {
			return nil, err
		}
		checkpoint = tp.Proof.TreeSize
	}
	m.Files = bw.files
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: manifest: %w", err)
	}
	if err := bw.member(MemberManifest, append(body, '\n')); err != nil {
		return nil, err
	}
	if err := bw.close(); err != nil {
		return nil, err
	}
	return &Bundle{Manifest: m, Seal: bw.seal.digest, Bytes: bw.seal.n, Checkpoint: checkpoint}, nil
}

// segment returns the chain segment of donorCode's bundle at position:
// from the donor's first event to position, anchored on the hash before
// it; and the time the head event was recorded.
func segment(ctx context.Context, tx pgx.Tx, donorCode string, position int64) (Segment, time.Time, error) {
	seg := Segment{HeadPosition: position}
	var first *int64
	if err := tx.QueryRow(ctx, `SELECT min(position) FROM events WHERE donor_code = $1 AND position <= $2`,
		donorCode, position).Scan(&first); err != nil {
		return seg, time.Time{}, fmt.Errorf("evidence: the donor's first event: %w", err)
	}
	if first == nil {
		return seg, time.Time{}, fmt.Errorf("%w: donor %s has no event by position %d", ErrNotFound, donorCode, position)
	}
	seg.FirstPosition, seg.AnchorPosition = *first, *first-1
	var head []byte
	var at time.Time
	if err := tx.QueryRow(ctx, `SELECT hash, recorded_at FROM events WHERE position = $1`, position).Scan(&head, &at); err != nil {
		return seg, at, fmt.Errorf("evidence: the event at position %d: %w", position, err)
	}
	copy(seg.HeadHash[:], head)
	if seg.AnchorPosition > 0 {
		var anchor []byte
		if err := tx.QueryRow(ctx, `SELECT hash FROM events WHERE position = $1`, seg.AnchorPosition).Scan(&anchor); err != nil {
			return seg, at, fmt.Errorf("evidence: the anchor at position %d: %w", seg.AnchorPosition, err)
		}
		copy(seg.AnchorHash[:], anchor)
	}
	return seg, at.UTC(), nil
}

// writeEvents writes member events.jsonl, the segment of m.Chain read from
// the log, checking the chain as it goes, and returns the donor's figures
// folded from it. It counts the events into m.
func writeEvents(ctx context.Context, store *eventstore.Store, bw *bundleWriter, m *Manifest, progress func(done, total int64)) (*yearend.Memory, error) {
	out, err := bw.create(MemberEvents)
	if err != nil {
		return nil, err
	}
	memory := yearend.NewMemory(m.Donor.Code)
	chain := newChainCheck(m.Chain)
	var line []byte
	for after := m.Chain.AnchorPosition; after < m.Chain.HeadPosition; {
		recs, err := store.ReadAll(ctx, after, min(readPage, int(m.Chain.HeadPosition-after)), eventstore.Filter{})
		if err != nil {
			return nil, fmt.Errorf("evidence: %w", err)
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("evidence: the log ends at position %d, before the head %d", after, m.Chain.HeadPosition)
		}
		for i := range recs {
			r := &recs[i]
			if err := chain.next(r); err != nil {
				return nil, fmt.Errorf("evidence: the log's hash chain is broken (run aidledger verify): %w", err)
			}
			if err := fold(memory, r, m); err != nil {
				return nil, err
			}
			line = appendLine(line[:0], r)
			if _, err := out.Write(line); err != nil {
				return nil, fmt.Errorf("evidence: write %s: %w", MemberEvents, err)
			}
			after = r.Position
		}
		if progress != nil {
			progress(after-m.Chain.AnchorPosition, m.Chain.HeadPosition-m.Chain.AnchorPosition)
		}
	}
	if err := chain.end(); err != nil {
		return nil, fmt.Errorf("evidence: the log's hash chain is broken (run aidledger verify): %w", err)
	}
	return memory, bw.done()
}

// fold decodes r and applies it to memory, counting it into m.
func fold(memory *yearend.Memory, r *events.Record, m *Manifest) error {
	ev, err := projections.Decode(*r)
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := memory.Apply(ev); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	m.Events++
	if r.DonorCode == m.Donor.Code {
		m.DonorEvents++
	}
	return nil
}

// rendered is one rendering of the summary, as a bundle member.
type rendered struct {
	name string
	body []byte
}

// renderReport renders rep as the bundle's report members, in order.
func renderReport(rep *yearend.Report) ([]rendered, error) {
	var out []rendered
	for _, r := range []struct{ name, format, lang string }{
		{MemberReport, report.FormatJSON, report.LangZH},
		{MemberReportZh, report.FormatText, report.LangZH},
		{MemberReportEn, report.FormatText, report.LangEN},
		{MemberXLSX, report.FormatXLSX, report.LangZH},
	} {
		body, _, _, err := report.Render(rep, r.format, r.lang)
		if err != nil {
			return nil, fmt.Errorf("evidence: render %s: %w", r.name, err)
		}
		out = append(out, rendered{r.name, body})
	}
	return out, nil
}

// bundleWriter writes a bundle's members, noting each one's size and
// SHA-256, into a sealed ZIP archive.
type bundleWriter struct {
	seal     *sealer
	zip      *zip.Writer
	modified time.Time
	files    []File
	// the member being written
	name string
	sum  hash.Hash
	n    int64
	w    io.Writer
}

func newBundleWriter(w io.Writer, modified time.Time) *bundleWriter {
	s := newSealer(w)
	z := zip.NewWriter(s)
	return &bundleWriter{seal: s, zip: z, modified: modified}
}

// create starts a member; done ends it.
func (b *bundleWriter) create(name string) (io.Writer, error) {
	w, err := b.zip.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: b.modified})
	if err != nil {
		return nil, fmt.Errorf("evidence: create %s: %w", name, err)
	}
	b.name, b.sum, b.n, b.w = name, sha256.New(), 0, w
	return b, nil
}

// Write writes to the current member.
func (b *bundleWriter) Write(p []byte) (int, error) {
	n, err := b.w.Write(p)
	b.sum.Write(p[:n])
	b.n += int64(n)
	return n, err
}

func (b *bundleWriter) done() error {
	b.files = append(b.files, File{Name: b.name, Bytes: b.n, SHA256: hex.EncodeToString(b.sum.Sum(nil))})
	return nil
}

// member writes a whole member.
func (b *bundleWriter) member(name string, body []byte) error {
	w, err := b.create(name)
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("evidence: write %s: %w", name, err)
	}
	return b.done()
}

// close ends the archive and seals it.
func (b *bundleWriter) close() error {
	if err := b.zip.SetComment(sealComment()); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := b.zip.Close(); err != nil {
		return fmt.Errorf("evidence: close the archive: %w", err)
	}
	return b.seal.finish()
}
