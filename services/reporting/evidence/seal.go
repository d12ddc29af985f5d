package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// sealPrefix opens the ZIP comment of a bundle; the hex digest follows.
const sealPrefix = "aidledger evidence bundle; seal sha256:"

// sealHexLen is the length of the digest in hex.
const sealHexLen = 2 * sha256.Size

// placeholder is the digest the comment carries until the seal is set.
var placeholder = bytes.Repeat([]byte{'0'}, sealHexLen)

// sealComment is the ZIP comment the writer is given: the prefix and the
// placeholder, which seal replaces.
func sealComment() string { return sealPrefix + string(placeholder) }

// sealer passes a ZIP archive through to w, holding back its last
// sealHexLen bytes — the placeholder at the end of the comment — and
// hashing everything before them; finish writes the digest in their place.
type sealer struct {
	w    io.Writer
	h    hash.Hash
	tail []byte
	// n counts the bytes passed on; digest is the seal, once finished.
	n      int64
	digest string
}

func newSealer(w io.Writer) *sealer { return &sealer{w: w, h: sha256.New()} }

func (s *sealer) Write(p []byte) (int, error) {
	s.tail = append(s.tail, p...)
	if k := len(s.tail) - sealHexLen; k > 0 {
		s.h.Write(s.tail[:k])
		if _, err := s.w.Write(s.tail[:k]); err != nil {
			return 0, err
		}
		s.n += int64(k)
		s.tail = append(s.tail[:0], s.tail[k:]...)
	}
	return len(p), nil
}

// finish writes the seal: the archive must have ended with the
// placeholder (the zip.Writer closed, with sealComment as its comment).
func (s *sealer) finish() error {
	if !bytes.Equal(s.tail, placeholder) {
		return errors.New("evidence: the archive does not end with the seal's placeholder")
	}
	s.digest = hex.EncodeToString(s.h.Sum(nil))
	if _, err := io.WriteString(s.w, s.digest); err != nil {
		return fmt.Errorf("evidence: write the seal: %w", err)
	}
	s.n += sealHexLen
	return nil
}

// checkSeal reports whether the last sealHexLen bytes of the file (of
// size bytes) are the hex SHA-256 of all bytes before them, preceded by
// sealPrefix. It returns the digest, and a reason when the seal does not
// hold; err is an I/O failure.
func checkSeal(r io.ReaderAt, size int64) (digest, reason string, err error) {
	n := int64(len(sealPrefix) + sealHexLen)
	if size < n {
		return "", fmt.Sprintf("the file has %d bytes: too short to be a bundle", size), nil
	}
	end := make([]byte, n)
	if _, err := r.ReadAt(end, size-n); err != nil {
		return "", "", fmt.Errorf("read the seal: %w", err)
	}
	if !bytes.HasPrefix(end, []byte(sealPrefix)) {
		return "", "the file does not end with a bundle seal (not a bundle, truncated, or its end altered)", nil
	}
	stated := string(end[len(sealPrefix):])
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, size-sealHexLen)); err != nil {
		return "", "", fmt.Errorf("hash the file: %w", err)
	}
	digest = hex.EncodeToString(h.Sum(nil))
	if digest != stated {
		return digest, fmt.Sprintf("the seal states SHA-256 %q but the file hashes to %s: the file was altered", stated, digest), nil
	}
	return digest, "", nil
}
