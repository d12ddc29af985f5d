package transparency

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Key files: NAME.key holds a note signer key (Ed25519, never in the
// database, readable by its owner alone), NAME.pub its verifier key, to
// hand to auditors and witnesses.
const (
	KeySuffix = ".key"
	PubSuffix = ".pub"
)

// GenerateKey writes a new key pair named name (the checkpoints' origin
// for a ledger key, the witness's name for a witness key) into dir as
// name.key and name.pub; it never overwrites a key. It returns the paths.
func GenerateKey(dir, name string) (keyFile, pubFile string, err error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", fmt.Errorf("generate key %q: %w", name, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	base := filepath.Join(dir, strings.ReplaceAll(name, "/", "_"))
	keyFile, pubFile = base+KeySuffix, base+PubSuffix
	for _, f := range []struct {
		path, text string
		mode       os.FileMode
	}{{keyFile, skey, 0o600}, {pubFile, vkey, 0o644}} {
		w, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.mode)
		if err != nil {
			return "", "", fmt.Errorf("generate key: %w", err)
		}
		_, err = w.WriteString(f.text + "\n")
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", "", fmt.Errorf("generate key: %w", err)
		}
	}
	return keyFile, pubFile, nil
}

// LoadSigner reads the signer key in keyFile and the verifier key beside
// it (the same name ending in .pub).
func LoadSigner(keyFile string) (note.Signer, note.Verifier, error) {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("read the signing key: %w", err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, nil, fmt.Errorf("the signing key %s: %w", keyFile, err)
	}
	verifier, err := LoadVerifier(strings.TrimSuffix(keyFile, KeySuffix) + PubSuffix)
	if err != nil {
		return nil, nil, err
	}
	if verifier.Name() != signer.Name() || verifier.KeyHash() != signer.KeyHash() {
		return nil, nil, fmt.Errorf("the key %s and its .pub file are not a pair", keyFile)
	}
	return signer, verifier, nil
}

// LoadVerifier reads a verifier key file.
func LoadVerifier(pubFile string) (note.Verifier, error) {
	b, err := os.ReadFile(pubFile)
	if err != nil {
		return nil, fmt.Errorf("read the public key: %w", err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("the public key %s: %w", pubFile, err)
	}
	return v, nil
}
