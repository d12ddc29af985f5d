package evidence

import (
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/projections"
	"github.com/aidledger/aidledger/projections/yearend"
	"github.com/aidledger/aidledger/services/reporting/report"
)

// The checks of Verify, in the order it runs them (Problem.Check).
const (
	CheckSeal     = "seal"     // the archive's own SHA-256
	CheckArchive  = "archive"  // the ZIP structure and its members
	CheckManifest = "manifest" // manifest.json
	CheckChecksum = "checksum" // each member's size and SHA-256
	CheckChain    = "chain"    // the hash chain of events.jsonl
	CheckReport   = "report"   // the summary recomputed from the events
)

// maxManifest bounds the size of manifest.json that Verify reads.
const maxManifest = 1 << 20

// Problem is one thing found wrong with a bundle.
type Problem struct {
	Check    string `json:"check"`
	Member   string `json:"member,omitempty"`
	Position int64  `json:"position,omitempty"`
	Reason   string `json:"reason"`
}

// Result is what Verify found. It is JSON-serialisable.
type Result struct {
	// OK: every check ran and nothing is wrong.
	OK bool `json:"ok"`
	// Seal is the archive's SHA-256 (hex) as computed.
	Seal string `json:"seal"`
	// Manifest is the bundle's manifest, when it could be read.
	Manifest *Manifest `json:"manifest,omitempty"`
	// Problems lists what is wrong, in the order found; a check that
	// cannot proceed adds its reason and the checks that depend on it
	// do not run.
	Problems []Problem `json:"problems"`
	// Notes say what was checked less strictly than usual, and why
	// (a bundle of an earlier format version).
	Notes []string `json:"notes,omitempty"`
	// Checkpoint is the transparency log's checkpoint the bundle carries
	// (nil: none covered it at export).
	Checkpoint *BundleCheckpoint `json:"checkpoint,omitempty"`
}

func (r *Result) problem(check, member string, position int64, format string, a ...any) {
	r.Problems = append(r.Problems, Problem{Check: check, Member: member, Position: position, Reason: fmt.Sprintf(format, a...)})
}

// VerifyFile checks the bundle at path (see Verify).
func VerifyFile(path string, keys Keys) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return Verify(f, fi.Size(), keys)
}

// Verify checks a bundle of size bytes offline, using nothing but its
// contents: the seal over the whole file; the archive's members against
// the manifest (no member missing, none unlisted, each of the stated size
// and SHA-256); the hash chain of events.jsonl, event by event, from the
// anchor to the head; and the summary recomputed from the bundled events
// alone (yearend.Memory), rendered as each report member and compared
// byte for byte; and, when the bundle carries one, that its events are
// those of the tree its checkpoint signs (checked with keys). Given the
// ledger log's key, a bundle without a checkpoint is a problem. The error
// is only for failing to read r; everything found wrong with the bundle
// is a Problem, and Result.OK is false.
func Verify(r io.ReaderAt, size int64, keys Keys) (*Result, error) {
	res := &Result{Problems: []Problem{}}
	digest, reason, err := checkSeal(r, size)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	res.Seal = digest
	if reason != "" {
		res.problem(CheckSeal, "", 0, "%s", reason)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		res.problem(CheckArchive, "", 0, "not a readable ZIP archive: %v", err)
		return res, nil
	}
	if reason == "" && zr.Comment != sealPrefix+digest {
		res.problem(CheckArchive, "", 0, "the archive's comment is not its seal")
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if files[f.Name] != nil {
			res.problem(CheckArchive, f.Name, 0, "the archive holds %s twice", f.Name)
		}
		files[f.Name] = f
	}
	m := readManifest(files, res)
	if m == nil {
		return res, nil
	}
	res.Manifest = m
	if !checkMembers(files, m, res) {
		return res, nil
	}
	memory, leaves, ok := checkChain(files[MemberEvents], m, res)
	if ok {
		checkReport(files, m, memory, res)
	}
	switch f := files[MemberTransparency]; {
	case f != nil && ok:
		if body, err := readMember(f, maxManifest*64); err != nil {
			res.problem(CheckTransparency, MemberTransparency, 0, "cannot read it: %v", err)
		} else {
			checkTransparency(body, m, leaves, keys, res)
		}
	case f == nil && keys.LogKey != nil:
		res.problem(CheckTransparency, "", 0, "the bundle carries no checkpoint of the ledger's transparency log (none covered it at export)")
	}
	res.OK = len(res.Problems) == 0
	return res, nil
}

// readManifest reads and checks manifest.json; nil when it cannot be used.
func readManifest(files map[string]*zip.File, res *Result) *Manifest {
	f := files[MemberManifest]
	if f == nil {
		res.problem(CheckManifest, MemberManifest, 0, "the archive has no %s", MemberManifest)
		return nil
	}
	if f.UncompressedSize64 > maxManifest {
		res.problem(CheckManifest, MemberManifest, 0, "%s states %d bytes, more than a manifest can be", MemberManifest, f.UncompressedSize64)
		return nil
	}
	body, err := readMember(f, maxManifest)
	if err != nil {
		res.problem(CheckManifest, MemberManifest, 0, "cannot read it: %v", err)
		return nil
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		res.problem(CheckManifest, MemberManifest, 0, "not a valid manifest: %v", err)
		return nil
	}
	c := m.Chain
	switch {
	case m.Format != FormatName || m.Version < 1 || m.Version > FormatVersion:
		res.problem(CheckManifest, MemberManifest, 0, "format %q version %d, want %q version 1 to %d", m.Format, m.Version, FormatName, FormatVersion)
	case c.FirstPosition < 1 || c.AnchorPosition != c.FirstPosition-1 || c.HeadPosition < c.FirstPosition:
		res.problem(CheckManifest, MemberManifest, 0, "the chain segment %d..%d anchored at %d does not hold together",
			c.FirstPosition, c.HeadPosition, c.AnchorPosition)
	case c.AnchorPosition == 0 && c.AnchorHash != (events.Hash{}):
		res.problem(CheckManifest, MemberManifest, 0, "a segment from position 1 must be anchored on the zero hash")
	case m.Donor.Code == "":
		res.problem(CheckManifest, MemberManifest, 0, "no donor")
	default:
		return &m
	}
	return nil
}

// requiredMembers must be listed in every manifest.
var requiredMembers = []string{MemberReadme, MemberEvents, MemberReport, MemberReportZh, MemberReportEn, MemberXLSX}

// checkMembers compares the archive's members with the manifest's files;
// false when events.jsonl or a report member cannot be trusted, so the
// chain and the report are not checked.
func checkMembers(files map[string]*zip.File, m *Manifest, res *Result) bool {
	ok := true
	listed := map[string]bool{MemberManifest: true}
	for _, want := range m.Files {
		if listed[want.Name] {
			res.problem(CheckManifest, want.Name, 0, "the manifest lists %s twice", want.Name)
			ok = false
			continue
		}
		listed[want.Name] = true
		f := files[want.Name]
		if f == nil {
			res.problem(CheckArchive, want.Name, 0, "listed in the manifest, missing from the archive")
			ok = false
			continue
		}
		n, sum, err := digestMember(f)
		switch {
		case err != nil:
			res.problem(CheckChecksum, want.Name, 0, "cannot read it: %v", err)
			ok = false
		case n != want.Bytes || sum != want.SHA256:
			res.problem(CheckChecksum, want.Name, 0, "%d bytes with SHA-256 %s; the manifest says %d bytes, %s", n, sum, want.Bytes, want.SHA256)
			ok = false
		}
	}
	for name := range files {
		if !listed[name] {
			res.problem(CheckArchive, name, 0, "in the archive but not in the manifest")
			ok = false
		}
	}
	for _, name := range requiredMembers {
		if !listed[name] {
			res.problem(CheckManifest, name, 0, "a bundle must hold %s", name)
			ok = false
		}
	}
	return ok
}

// checkChain reads events.jsonl line by line: each line in the exact
// layout the exporter writes, each event in canonical form with its hash,
// the chain from the anchor to the head; and folds the events into the
// donor's figures, returning their leaf hashes in the transparency log
// too. It stops at the first problem (ok false).
func checkChain(f *zip.File, m *Manifest, res *Result) (memory *yearend.Memory, leaves []tlog.Hash, ok bool) {
	rc, err := f.Open()
	if err != nil {
		res.problem(CheckChain, MemberEvents, 0, "cannot open it: %v", err)
		return nil, nil, false
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 1<<16)
	memory = yearend.NewMemory(m.Donor.Code)
	chain := newChainCheck(m.Chain)
	var count, donorCount int64
	var line []byte
	for lineNo := 1; ; lineNo++ {
		line, err = br.ReadBytes('\n')
		if err == io.EOF && len(line) == 0 {
			break
		}
		if err != nil && err != io.EOF {
			res.problem(CheckChain, MemberEvents, 0, "line %d: cannot read it: %v", lineNo, err)
			return nil, nil, false
		}
		rec, reason := parseLine(line)
		if reason != "" {
			res.problem(CheckChain, MemberEvents, rec.Position, "line %d: %s", lineNo, reason)
			return nil, nil, false
		}
		if err := chain.next(&rec); err != nil {
			var ce *ChainError
			errors.As(err, &ce)
			res.problem(CheckChain, MemberEvents, ce.Position, "line %d: %s", lineNo, ce.Reason)
			return nil, nil, false
		}
		ev, err := projections.Decode(rec)
		if err == nil {
			err = memory.Apply(ev)
		}
		if err != nil {
			res.problem(CheckChain, MemberEvents, rec.Position, "line %d: the event cannot be read: %v", lineNo, err)
			return nil, nil, false
		}
		leaves = append(leaves, transparency.LeafHash(&rec))
		count++
		if rec.DonorCode == m.Donor.Code {
			donorCount++
		}
	}
	if err := chain.end(); err != nil {
		var ce *ChainError
		errors.As(err, &ce)
		res.problem(CheckChain, MemberEvents, ce.Position, "%s", ce.Reason)
		return nil, nil, false
	}
	if count != m.Events || donorCount != m.DonorEvents {
		res.problem(CheckManifest, MemberManifest, 0, "the segment holds %d events, %d of them the donor's; the manifest says %d and %d",
			count, donorCount, m.Events, m.DonorEvents)
		return nil, nil, false
	}
	return memory, leaves, true
}

// parseLine reads one line of events.jsonl into a record whose event is
// in canonical form (events.ParseCanonical), and checks that the line is
// exactly what the exporter writes for it; reason says what is wrong. The
// hashes are checked by chainCheck.
func parseLine(line []byte) (rec events.Record, reason string) {
	const (
		open  = `{"position":`
		prev  = `,"prev_hash":"`
		hash  = `","hash":"`
		event = `","event":`
		hexes = 2 * len(events.Hash{})
	)
	rest, ok := bytes.CutPrefix(line, []byte(open))
	if !ok {
		return rec, "not an event line"
	}
	i := bytes.IndexByte(rest, ',')
	if i < 0 {
		return rec, "not an event line"
	}
	pos, err := strconv.ParseInt(string(rest[:i]), 10, 64)
	if err != nil || pos < 1 {
		return rec, "not an event line: bad position"
	}
	rest = rest[i:]
	var prevHex, hashHex []byte
	if rest, ok = bytes.CutPrefix(rest, []byte(prev)); ok && len(rest) >= hexes {
		prevHex, rest = rest[:hexes], rest[hexes:]
		if rest, ok = bytes.CutPrefix(rest, []byte(hash)); ok && len(rest) >= hexes {
			hashHex, rest = rest[:hexes], rest[hexes:]
			rest, ok = bytes.CutPrefix(rest, []byte(event))
		}
	}
	if !ok || !bytes.HasSuffix(rest, []byte("}\n")) {
		return events.Record{Position: pos}, "not an event line"
	}
	rec, err = events.ParseCanonical(rest[:len(rest)-2])
	if err != nil {
		return events.Record{Position: pos}, "the event cannot be read: " + err.Error()
	}
	rec.Position = pos
	for _, h := range []struct {
		hex []byte
		to  *events.Hash
	}{{prevHex, &rec.PrevHash}, {hashHex, &rec.Hash}} {
		if _, err := hex.Decode(h.to[:], h.hex); err != nil {
			return rec, "not an event line: bad hash"
		}
	}
	if !bytes.Equal(appendLine(nil, &rec), line) {
		return rec, "the line is not in the bundle's layout"
	}
	return rec, ""
}

// checkReport recomputes the summary from the folded events and compares
// each rendering with its member.
func checkReport(files map[string]*zip.File, m *Manifest, memory *yearend.Memory, res *Result) {
	profile, err := report.LookupProfile(m.Profile)
	if err != nil {
		res.problem(CheckManifest, MemberManifest, 0, "%v", err)
		return
	}
	rep, err := memory.Compute(m.Year, m.Cutoff)
	if err != nil {
		res.problem(CheckReport, "", 0, "the summary cannot be computed from the bundled events: %v", err)
		return
	}
	rep.Profile = profile
	if rep.Donor != m.Donor {
		res.problem(CheckManifest, MemberManifest, 0, "the manifest's donor %+v is not the events' %+v", m.Donor, rep.Donor)
	}
	renders, err := renderReport(rep)
	if err != nil {
		res.problem(CheckReport, "", 0, "%v", err)
		return
	}
	if m.Version < 4 {
		checkEarlierReport(files, m, renders[0], res)
		return
	}
	for _, r := range renders {
		body, err := readMember(files[r.name], int64(len(r.body))+1)
		switch {
		case err != nil:
			res.problem(CheckReport, r.name, 0, "cannot read it: %v", err)
		case m.Version == 4 && r.name == MemberXLSX:
			// Encoded by an earlier release: its cells must be these.
			if diff := differentCells(body, r.body); diff != "" {
				res.problem(CheckReport, r.name, 0, "differs from the summary recomputed from the bundled events (%s)", diff)
			}
		case !bytes.Equal(body, r.body):
			res.problem(CheckReport, r.name, 0, "differs from the summary recomputed from the bundled events (%s)", firstDifference(body, r.body))
		}
	}
	if m.Version == 4 {
		res.Notes = append(res.Notes, fmt.Sprintf("bundle format version 4: %s, encoded by an earlier release, was compared "+
			"cell by cell with the summary recomputed from the bundled events; the other renderings byte for byte", MemberXLSX))
	}
}

// differentCells names the first cell in which workbook a differs from b
// (sheets by name, cells by their displayed values), or is "" when none
// does.
func differentCells(a, b []byte) string {
	open := func(body []byte) (*excelize.File, []string, error) {
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			return nil, nil, err
		}
		return f, f.GetSheetList(), nil
	}
	fa, sheets, err := open(a)
	if err != nil {
		return fmt.Sprintf("not a workbook: %v", err)
	}
	defer fa.Close()
	fb, want, err := open(b)
	if err != nil {
		return fmt.Sprintf("the recomputed workbook: %v", err)
	}
	defer fb.Close()
	if !slices.Equal(sheets, want) {
		return fmt.Sprintf("sheets %q, recomputed %q", sheets, want)
	}
	for _, sheet := range sheets {
		ra, errA := fa.GetRows(sheet)
		rb, errB := fb.GetRows(sheet)
		if errA != nil || errB != nil {
			return fmt.Sprintf("sheet %s cannot be read: %v", sheet, cmp.Or(errA, errB))
		}
		for i := range max(len(ra), len(rb)) {
			var rowA, rowB []string
			if i < len(ra) {
				rowA = ra[i]
			}
			if i < len(rb) {
				rowB = rb[i]
			}
			for j := range max(len(rowA), len(rowB)) {
				if ca, cb := cellAt(rowA, j), cellAt(rowB, j); ca != cb {
					name, _ := excelize.CoordinatesToCellName(j+1, i+1)
					return fmt.Sprintf("sheet %s cell %s holds %q, recomputed %q", sheet, name, ca, cb)
				}
			}
		}
	}
	return ""
}

func cellAt(row []string, j int) string {
	if j < len(row) {
		return row[j]
	}
	return ""
}

// checkEarlierReport checks the summary of a bundle of an earlier format
// version, whose renderings this release no longer makes: every value of
// the report in its report.json must be in the recomputed one
// (recomputed, the first rendering) at the same place, which may hold
// more (figures added since). The texts (in report.json too) and the XLSX
// are not compared, and a note says so.
func checkEarlierReport(files map[string]*zip.File, m *Manifest, recomputed rendered, res *Result) {
	res.Notes = append(res.Notes, fmt.Sprintf("bundle format version %d: the figures of %s were compared value by value with "+
		"the summary recomputed from the bundled events (which may hold figures added since); its texts, %s, %s and %s, "+
		"rendered by an earlier release, were checked against the manifest only", m.Version, MemberReport, MemberReportZh,
		MemberReportEn, MemberXLSX))
	body, err := readMember(files[MemberReport], maxManifest*64)
	if err != nil {
		res.problem(CheckReport, MemberReport, 0, "cannot read it: %v", err)
		return
	}
	var had, now map[string]any
	if err := unmarshalNumbers(body, &had); err != nil {
		res.problem(CheckReport, MemberReport, 0, "not JSON: %v", err)
		return
	}
	if err := unmarshalNumbers(recomputed.body, &now); err != nil {
		res.problem(CheckReport, "", 0, "the recomputed summary is not JSON: %v", err)
		return
	}
	if path, ok := within(had["report"], now["report"], "$.report"); !ok {
		res.problem(CheckReport, MemberReport, 0, "differs from the summary recomputed from the bundled events at %s", path)
	}
}

// unmarshalNumbers decodes JSON keeping numbers exact.
func unmarshalNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// within reports whether every value of had is in now at the same place
// (objects may have more keys; arrays have the same length), or the path
// of the first that is not.
func within(had, now any, path string) (string, bool) {
	switch h := had.(type) {
	case map[string]any:
		n, ok := now.(map[string]any)
		if !ok {
			return path, false
		}
		for _, k := range slices.Sorted(maps.Keys(h)) {
			if p, ok := within(h[k], n[k], path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		n, ok := now.([]any)
		if !ok || len(n) != len(h) {
			return path, false
		}
		// Pairings and programmes are matched by their id, partners by
		// code: an earlier release may have listed them in another order.
		byKey := keyed(h, n)
		for i := range h {
			other := n[i]
			if byKey != nil {
				other = byKey[key(h[i])]
			}
			if p, ok := within(h[i], other, fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	}
	if had != now {
		return path, false
	}
	return "", true
}

// firstDifference says where got first departs from want.
func firstDifference(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	switch {
	case i == len(got) && i == len(want):
		return "identical"
	case i == len(got):
		return fmt.Sprintf("it ends at byte %d, the recomputed one has %d bytes", i, len(want))
	case i == len(want):
		return fmt.Sprintf("it goes on past byte %d, where the recomputed one ends", i)
	}
	return fmt.Sprintf("from byte %d on", i)
}

// readMember reads a member whole, refusing more than limit bytes.
func readMember(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("more than %d bytes", limit)
	}
	return b, nil
}

// digestMember returns a member's size and SHA-256 (hex), reading it
// through (which also checks its CRC-32).
func digestMember(f *zip.File) (int64, string, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, "", err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return n, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// identities are the fields that identify an element of a report's list
// whatever its place: a pairing, a programme, a unit.
var identities = []string{"pairing_id", "programme", "code"}

// key is the identity of a list element ("" when it has none).
func key(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	for _, k := range identities {
		if s, ok := m[k].(string); ok {
			return k + "=" + s
		}
	}
	return ""
}

// keyed indexes now by identity when every element of had and now has
// one of its own (nil otherwise — footnotes of one pairing, say —: the
// lists are compared place by place).
func keyed(had, now []any) map[string]any {
	out := make(map[string]any, len(now))
	for _, v := range now {
		k := key(v)
		if _, twice := out[k]; k == "" || twice {
			return nil
		}
		out[k] = v
	}
	for _, v := range had {
		if key(v) == "" {
			return nil
		}
	}
	return out
}
