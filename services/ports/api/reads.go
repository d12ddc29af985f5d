package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aidledger/aidledger/events"
	"github.com/aidledger/aidledger/events/eventstore"
	"github.com/aidledger/aidledger/services/auth"
	"github.com/aidledger/aidledger/services/ledger"
)

// EventView is one event of the log as the API shows it.
type EventView struct {
	Position       int64           `json:"position"`
	EventID        string          `json:"event_id"`
	StreamID       string          `json:"stream_id"`
	StreamVersion  int64           `json:"stream_version"`
	Type           string          `json:"type"`
	SchemaVersion  int             `json:"schema_version"`
	RecordedAt     time.Time       `json:"recorded_at"`
	DonorCode      string          `json:"donor_code"`
	PartnerCode    string          `json:"partner_code"`
	Actor          string          `json:"actor"`
	IdempotencyKey string          `json:"idempotency_key,omitempty"`
	CorrelationID  string          `json:"correlation_id,omitempty"`
	CausationID    string          `json:"causation_id,omitempty"`
	Payload        json.RawMessage `json:"payload"`
	PrevHash       events.Hash     `json:"prev_hash"`
	Hash           events.Hash     `json:"hash"`
}

func view(r events.Record) EventView {
	return EventView{Position: r.Position, EventID: r.ID, StreamID: r.StreamID, StreamVersion: r.StreamVersion, Type: r.Type,
		SchemaVersion: r.SchemaVersion, RecordedAt: r.RecordedAt, DonorCode: r.DonorCode, PartnerCode: r.PartnerCode,
		Actor: r.Metadata.Actor, IdempotencyKey: r.Metadata.IdempotencyKey, CorrelationID: r.Metadata.CorrelationID,
		CausationID: r.Metadata.CausationID, Payload: r.Payload, PrevHash: r.PrevHash, Hash: r.Hash}
}

// scope narrows the log to what a principal may read.
func scope(p auth.Principal) eventstore.Filter {
	s := p.Scope()
	return eventstore.Filter{DonorCode: s.DonorCode, PartnerCode: s.PartnerCode}
}

type logInput struct {
	After int64 `query:"after" minimum:"0" doc:"return events with a position greater than this"`
	Limit int   `query:"limit" minimum:"1" maximum:"1000" default:"100"`
}

type logOutput struct {
	Body struct {
		Events []EventView `json:"events"`
		// Next is the position to pass as after= for the next page.
		Next int64 `json:"next" doc:"pass as after= to continue"`
		Head int64 `json:"head" doc:"position of the last event in the ledger"`
	}
}

type streamInput struct {
	StreamID string `path:"stream_id" maxLength:"200"`
}

type streamOutput struct {
	Body struct {
		StreamID string      `json:"stream_id"`
		Version  int64       `json:"version"`
		Events   []EventView `json:"events"`
	}
}

func readOp(id, path, summary, description string) huma.Operation {
	return huma.Operation{OperationID: id, Method: http.MethodGet, Path: path, Summary: summary, Description: description,
		Tags: []string{"reads"}, Security: []map[string][]string{{"bearer": {}}},
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}}
}

func (s *Server) registerReads() {
	huma.Register(s.api, readOp("read-log", "/v1/events", "Read the event log in position order",
		"Positions are gap-free and assigned in commit order: paging with after=<last position seen> never skips an event. "+
			"Recorders see their donor's events, partners their county's."),
		func(ctx context.Context, in *logInput) (*logOutput, error) {
			// The head is read first: every event up to it has committed, so
			// a short page proves that nothing visible lies between the page
			// and the head, and next may jump to it.
			head, _, err := s.cfg.Store.Head(ctx)
			if err != nil {
				return nil, s.fail("read-log", err)
			}
			recs, err := s.cfg.Store.ReadAll(ctx, in.After, in.Limit, scope(principal(ctx)))
			if err != nil {
				return nil, s.fail("read-log", err)
			}
			out := &logOutput{}
			out.Body.Events, out.Body.Next, out.Body.Head = make([]EventView, len(recs)), in.After, head
			for i, r := range recs {
				out.Body.Events[i] = view(r)
				out.Body.Next = r.Position
			}
			if len(recs) < in.Limit && head > out.Body.Next {
				out.Body.Next = head
			}
			out.Body.Head = max(head, out.Body.Next)
			return out, nil
		})
	huma.Register(s.api, readOp("read-stream", "/v1/streams/{stream_id}", "Read one stream", ""),
		func(ctx context.Context, in *streamInput) (*streamOutput, error) {
			if !utf8.ValidString(in.StreamID) || strings.ContainsRune(in.StreamID, 0) {
				return nil, streamNotFound(in.StreamID)
			}
			recs, version, err := s.cfg.Store.ReadStream(ctx, in.StreamID)
			if err != nil {
				return nil, s.fail("read-stream", err)
			}
			// A stream may span pairings (a person's secondments under
			// several): each event is shown only to who may read it, and
			// the version is then that of the last one shown.
			scope := principal(ctx).Scope()
			out := &streamOutput{}
			out.Body.StreamID, out.Body.Version = in.StreamID, version
			for _, r := range recs {
				if scope.Allows(r.DonorCode, r.PartnerCode) {
					out.Body.Events = append(out.Body.Events, view(r))
				}
			}
			if len(out.Body.Events) == 0 {
				return nil, streamNotFound(in.StreamID)
			}
			if len(out.Body.Events) < len(recs) {
				out.Body.Version = out.Body.Events[len(out.Body.Events)-1].StreamVersion
			}
			return out, nil
		})
}

func streamNotFound(id string) *ledger.Rejection {
	return &ledger.Rejection{Status: http.StatusNotFound, Code: ledger.CodeNotFound,
		Message: "stream " + id + " does not exist", MessageZh: "事件流 " + id + " 不存在"}
}
