package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/aidledger/aidledger/events/transparency"
	"github.com/aidledger/aidledger/services/ledger"
)

// CheckpointView is a signed checkpoint as the API shows it.
type CheckpointView struct {
	Size     int64  `json:"size" doc:"how many events the tree holds (positions 1 … size)"`
	RootHash string `json:"root_hash" doc:"the RFC 6962 root hash, base64"`
	SignedAt string `json:"signed_at" format:"date-time"`
	// Note is the C2SP checkpoint, signed by the ledger and cosigned.
	Note      string         `json:"note" doc:"the C2SP checkpoint: a signed note (origin, size, root hash) with the ledger's signature and one line per witness cosignature; verify with golang.org/x/mod/sumdb/note or aidledger verify --checkpoint"`
	Cosigners []CosignerView `json:"cosigners"`
}

// CosignerView is a witness that cosigned a checkpoint.
type CosignerView struct {
	Witness    string `json:"witness" doc:"the witness key's name"`
	Key        string `json:"key" doc:"its note verifier key"`
	Actor      string `json:"actor" doc:"who posted the cosignature"`
	ReceivedAt string `json:"received_at" format:"date-time"`
}

func checkpointView(c *transparency.Checkpoint) CheckpointView {
	v := CheckpointView{Size: c.Size, RootHash: c.Root.String(), SignedAt: c.SignedAt.UTC().Format(time.RFC3339), Note: c.Note,
		Cosigners: make([]CosignerView, len(c.Cosigners))}
	for i, w := range c.Cosigners {
		v.Cosigners[i] = CosignerView{Witness: w.Witness, Key: w.Key, Actor: w.Actor, ReceivedAt: w.ReceivedAt.UTC().Format(time.RFC3339)}
	}
	return v
}

type checkpointOutput struct{ Body CheckpointView }

type inclusionInput struct {
	Position int64 `query:"position" required:"true" minimum:"1" doc:"the event's position"`
	TreeSize int64 `query:"tree_size" required:"true" minimum:"1" doc:"the size of the tree (a checkpoint's) to prove it in"`
}

type inclusionOutput struct {
	Body struct {
		Position  int64    `json:"position"`
		LeafIndex int64    `json:"leaf_index" doc:"position − 1"`
		TreeSize  int64    `json:"tree_size"`
		LeafHash  string   `json:"leaf_hash" doc:"SHA-256(0x00 ‖ position as 8 bytes big-endian ‖ the event's canonical bytes), base64"`
		RootHash  string   `json:"root_hash" doc:"the tree's root hash, base64"`
		Proof     []string `json:"proof" doc:"the RFC 6962 audit path, base64 hashes"`
	}
}

type consistencyInput struct {
	From int64 `query:"from" required:"true" minimum:"1" doc:"the earlier tree size"`
	To   int64 `query:"to" required:"true" minimum:"1" doc:"the later tree size"`
}

type consistencyOutput struct {
	Body struct {
		From     int64    `json:"from"`
		To       int64    `json:"to"`
		FromRoot string   `json:"from_root" doc:"base64"`
		ToRoot   string   `json:"to_root" doc:"base64"`
		Proof    []string `json:"proof" doc:"the RFC 6962 consistency proof, base64 hashes"`
	}
}

type cosignatureInput struct {
	Body struct {
		Checkpoint string `json:"checkpoint" maxLength:"8192" doc:"the checkpoint note as the ledger signed it, with the witness's signature line added"`
		WitnessKey string `json:"witness_key" maxLength:"512" doc:"the witness's note verifier key (name+hash+key)"`
	}
}

// registerTransparency serves the transparency log: the latest signed
// checkpoint, inclusion and consistency proofs, and witnesses'
// cosignatures. Any signed-in principal may read them (they reveal hashes,
// never contents) and post a cosignature, which is kept with who posted it.
func (s *Server) registerTransparency() {
	if s.cfg.Tree == nil {
		return
	}
	tree := s.cfg.Tree
	op := readOp("get-checkpoint", "/v1/checkpoint", "The latest signed checkpoint of the transparency log",
		"A C2SP checkpoint (origin, tree size, RFC 6962 root hash over every event) signed by the ledger's key, which is not kept in the database, "+
			"with the cosignatures of the witnesses that checked it extends the checkpoints they saw before. 404 no_checkpoint until the first is signed.")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*checkpointOutput, error) {
		c, err := tree.Latest(ctx)
		if err != nil {
			return nil, s.transparencyError("get-checkpoint", err)
		}
		return &checkpointOutput{Body: checkpointView(c)}, nil
	})
	huma.Register(s.api, readOp("prove-inclusion", "/v1/proofs/inclusion", "Prove an event included in a tree",
		"The audit path of the event at position in the tree of tree_size events (a checkpoint's size): with the event's leaf hash it yields "+
			"the checkpoint's root (tlog.CheckRecord, or RFC 6962 §2.1.1)."),
		func(ctx context.Context, in *inclusionInput) (*inclusionOutput, error) {
			p, err := tree.InclusionProof(ctx, in.Position, in.TreeSize)
			if err != nil {
				return nil, s.transparencyError("prove-inclusion", err)
			}
			root, err := tree.Root(ctx, in.TreeSize)
			if err != nil {
				return nil, s.transparencyError("prove-inclusion", err)
			}
			leaf, err := tree.Leaf(ctx, in.Position)
			if err != nil {
				return nil, s.transparencyError("prove-inclusion", err)
			}
			out := &inclusionOutput{}
			out.Body.Position, out.Body.LeafIndex, out.Body.TreeSize = in.Position, in.Position-1, in.TreeSize
			out.Body.LeafHash, out.Body.RootHash, out.Body.Proof = leaf.String(), root.String(), hashes(p)
			return out, nil
		})
	huma.Register(s.api, readOp("prove-consistency", "/v1/proofs/consistency", "Prove a tree extends an earlier one",
		"The RFC 6962 consistency proof that the tree of to events extends the tree of from events (tlog.CheckTree verifies it)."),
		func(ctx context.Context, in *consistencyInput) (*consistencyOutput, error) {
			p, err := tree.ConsistencyProof(ctx, in.From, in.To)
			if err != nil {
				return nil, s.transparencyError("prove-consistency", err)
			}
			from, err := tree.Root(ctx, in.From)
			if err != nil {
				return nil, s.transparencyError("prove-consistency", err)
			}
			to, err := tree.Root(ctx, in.To)
			if err != nil {
				return nil, s.transparencyError("prove-consistency", err)
			}
			out := &consistencyOutput{}
			out.Body.From, out.Body.To, out.Body.FromRoot, out.Body.ToRoot, out.Body.Proof = in.From, in.To, from.String(), to.String(), hashes(p)
			return out, nil
		})
	cosign := huma.Operation{OperationID: "post-cosignature", Method: http.MethodPost, Path: "/v1/checkpoint/cosignatures",
		Summary: "Post a witness's cosignature of a checkpoint",
		Description: "A witness (aidledger witness) that verified a checkpoint extends the last one it saw posts it back with its signature line added. " +
			"The note must carry the ledger's signature of a checkpoint the ledger signed and the witness's, verified with witness_key. Posting it again changes nothing.",
		Tags: []string{"transparency"}, DefaultStatus: http.StatusCreated, Security: []map[string][]string{{"bearer": {}}},
		Errors:   []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
		Metadata: map[string]any{attestOp: true}}
	huma.Register(s.api, cosign, func(ctx context.Context, in *cosignatureInput) (*checkpointOutput, error) {
		if s.cfg.LogVerifier == nil {
			return nil, &ledger.Rejection{Status: http.StatusServiceUnavailable, Code: "no_log_key",
				Message:   "this server has no public key of the ledger's log to check cosignatures with (serve --log-key)",
				MessageZh: "本服务器未配置账本透明日志公钥,无法校验联署签名(serve --log-key)"}
		}
		c, err := tree.AddCosignature(ctx, s.cfg.LogVerifier, in.Body.WitnessKey, []byte(in.Body.Checkpoint), principal(ctx).Actor())
		if err != nil {
			return nil, s.transparencyError("post-cosignature", err)
		}
		return &checkpointOutput{Body: checkpointView(c)}, nil
	})
}

// transparencyError answers the transparency log's errors.
func (s *Server) transparencyError(op string, err error) error {
	switch {
	case errors.Is(err, transparency.ErrNoCheckpoint):
		return &ledger.Rejection{Status: http.StatusNotFound, Code: "no_checkpoint",
			Message: "no checkpoint has been signed yet", MessageZh: "尚未签发检查点"}
	case errors.Is(err, transparency.ErrBeyondTree):
		return &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: "beyond_tree",
			Message: fmt.Sprintf("no such proof: %v", err), MessageZh: "所请求的位置或树大小超出透明日志当前范围"}
	case errors.Is(err, transparency.ErrBadCosignature):
		return &ledger.Rejection{Status: http.StatusUnprocessableEntity, Code: "bad_cosignature", Field: "checkpoint",
			Message: err.Error(), MessageZh: "联署签名无效,或所签检查点并非本账本签发"}
	}
	return s.fail(op, err)
}

func hashes[H ~[]tlog.Hash](hs H) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	return out
}
