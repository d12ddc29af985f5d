// Package evidence writes and checks evidence bundles (审计证据包): one
// self-contained file from which an auditor proves, without Postgres,
// NATS or the running ledger, that a donor's year-end summary follows
// from an unaltered run of the ledger's history.
//
// A bundle is a ZIP archive holding
//
//	README.txt      what the bundle is and how to check it (中文 / English)
//	events.jsonl    every event of the chain segment, one JSON object a line:
//	                {"position":N,"prev_hash":"…","hash":"…","event":<canonical bytes>}
//	report.json     the year-end summary (report.Render, format json)
//	report.zh.txt   the same as text, in Chinese
//	report.en.txt   the same as text, in English
//	report.xlsx     the same as a workbook (Chinese headers)
//	manifest.json   what was exported (donor, year, cut-off, profile), the
//	                chain segment's anchor and head, and the SHA-256 and
//	                size of every other member
//
// The chain segment runs from the donor's first event F to the position P
// the summary was computed at, and holds EVERY event in between, other
// donors' included: the hash chain links consecutive positions, so a
// segment with a hole could not be proven offline. Its anchor is the hash
// at F-1 (the zero hash when F is 1); its head the hash at P, which the
// summary states as its provenance.
//
// The archive seals itself: its ZIP comment ends with the hex SHA-256 of
// every byte before those 64 characters, so that a change of any byte of
// the file — data, ZIP headers, comment — is detected before anything is
// read from it. (The seal is a checksum, not a signature: what ties the
// bundle to the ledger is the head hash, to be compared with the one the
// ledger published.)
//
// A bundle is a pure function of the ledger's log and the request: the
// same export twice gives the same bytes (member times are the head
// event's recorded_at, and nothing else varies).
package evidence

import (
	"errors"
	"strconv"

	"github.com/aidledger/aidledger/events"
)

// FormatName and FormatVersion identify the bundle layout in the manifest.
// Version 2 renders the summary with the projects counted by calendar
// year; version 3 lists the pairings in the donor's report order (by
// default as they were established, no longer by county code) and states
// the office indicators in the English text; version 4 renders the
// summary for print (the XLSX as titled A4 sheets of printed tables, the
// office indicators in the table, full-width punctuation, fiscal aid to
// 0.01万元 in the official profile, footnotes citing dates and document
// numbers, the products' province, English in full sentences); version 5
// encodes the XLSX differently (its large sheets' texts inline, its parts
// compressed in blocks) with the same cells. Verify still reads earlier
// versions (see checkReport).
const (
	FormatName    = "aidledger-evidence-bundle"
	FormatVersion = 5
)

// Member names.
const (
	MemberReadme   = "README.txt"
	MemberEvents   = "events.jsonl"
	MemberReport   = "report.json"
	MemberReportZh = "report.zh.txt"
	MemberReportEn = "report.en.txt"
	MemberXLSX     = "report.xlsx"
	MemberManifest = "manifest.json"
)

// ErrNotFound means the donor has no event at or before the position.
var ErrNotFound = errors.New("evidence: not found")

// ErrReadModelDiffers means the yearend read model's report is not the one the
// log gives when folded afresh; nothing is exported (run `aidledger
// verify --projections`).
var ErrReadModelDiffers = errors.New("evidence: the yearend read model differs from the log")

// Manifest describes a bundle (member manifest.json).
type Manifest struct {
	Format  string      `json:"format"`
	Version int         `json:"version"`
	Donor   events.Unit `json:"donor"`
	Year    int         `json:"year"`
	Cutoff  events.Date `json:"cutoff"`
	Profile string      `json:"profile"`
	Chain   Segment     `json:"chain"`
	// Events is how many events the segment holds, DonorEvents how many
	// of them are the donor's.
	Events      int64  `json:"events"`
	DonorEvents int64  `json:"donor_events"`
	Files       []File `json:"files"`
}

// Segment is the run of the hash chain a bundle holds: positions
// FirstPosition..HeadPosition, chained to AnchorHash, the hash at
// FirstPosition-1.
type Segment struct {
	AnchorPosition int64       `json:"anchor_position"`
	AnchorHash     events.Hash `json:"anchor_hash"`
	FirstPosition  int64       `json:"first_position"`
	HeadPosition   int64       `json:"head_position"`
	HeadHash       events.Hash `json:"head_hash"`
}

// File is a member of the bundle with its size and SHA-256 (hex).
type File struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// appendLine appends r's line of events.jsonl, newline included. This
// layout, byte for byte, is the only one Verify accepts.
func appendLine(b []byte, r *events.Record) []byte {
	b = append(b, `{"position":`...)
	b = strconv.AppendInt(b, r.Position, 10)
	b = append(b, `,"prev_hash":"`...)
	b = append(b, r.PrevHash.String()...)
	b = append(b, `","hash":"`...)
	b = append(b, r.Hash.String()...)
	b = append(b, `","event":`...)
	b = append(b, r.Canonical()...)
	return append(b, '}', '\n')
}
