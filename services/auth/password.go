package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new password hashes (RFC 9106's second
// recommended option, with 64 MiB): about 0.1 s on one core.
const (
	argonMemoryKiB = 64 * 1024
	argonTime      = 3
	argonThreads   = 2
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ErrWeakPassword means the password is refused: too short, one of the
// passwords everyone tries, or the login in it (the error says which).
var ErrWeakPassword = fmt.Errorf("a password needs at least %d characters", MinPasswordLength)

// DemoPassword is the password of the demo's accounts: refused anywhere
// else (it is in the README).
const DemoPassword = "aidledger-demo"

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords are the passwords checkPolicy refuses, lower-cased.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// checkPolicy refuses a password for login (ErrWeakPassword, wrapped with
// the reason): shorter than MinPasswordLength, holding the login (of three
// characters or more), one character repeated, or one of the common
// passwords (the demo's included, unless demo).
func checkPolicy(login, password string, demo bool) error {
	lower := strings.ToLower(password)
	first, _ := utf8.DecodeRuneInString(password)
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return ErrWeakPassword
	case utf8.RuneCountInString(login) >= 3 && strings.Contains(lower, strings.ToLower(login)):
		return fmt.Errorf("%w: it holds the login name", ErrWeakPassword)
	case strings.Trim(password, string(first)) == "":
		return fmt.Errorf("%w: it is one character repeated", ErrWeakPassword)
	case demo && password == DemoPassword:
		return nil
	case commonPasswords[lower]:
		return fmt.Errorf("%w: it is one of the passwords everyone tries first", ErrWeakPassword)
	}
	return nil
}

// hashers bounds how many password hashes run at once (each takes 64 MiB).
var hashers = make(chan struct{}, 4)

// hashPassword returns the argon2id hash of password as a PHC string:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>.
func hashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	hashers <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	<-hashers
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// checkPassword reports whether password matches the PHC string stored,
// with the parameters stored in it.
func checkPassword(stored, password string) (bool, error) {
	parts := strings.Split(stored, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("password hash: not an argon2id PHC string")
	}
	var version int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("password hash: unknown argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, errors.New("password hash: bad parameters")
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, errors.New("password hash: bad salt")
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errors.New("password hash: bad key")
	}
	hashers <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	<-hashers
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
