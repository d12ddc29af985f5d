// Package embeddednats runs a NATS server with JetStream inside the ledger's
// process, for the demo and for development when no NATS_URL is given.
//
// A store directory belongs to one server: the first process to Start on
// it runs the server (and holds a lock on the directory while it runs);
// another process that Starts on it meanwhile attaches to that server —
// it gets its URL and runs none of its own — rather than opening the same
// JetStream files twice.
package embeddednats

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Config describes the embedded server.
type Config struct {
	// StoreDir holds JetStream's files; reusing it keeps the stream.
	StoreDir string
	// Host and Port to listen on (default 127.0.0.1 and a random port).
	Host string
	Port int
	// Users are the only accounts that may connect: there is no
	// anonymous access. The first is the one ClientURL carries. The URLs
	// of the users with a password in clear are kept in the store
	// directory (readable by its owner alone) for a process that attaches.
	Users []User
}

// User is an account of the server with what it may do.
type User struct {
	Name string
	// Password, in clear or as a bcrypt hash ("$2a$…"), which the server
	// recognises.
	Password string
	// Publish and Subscribe, when not nil, are the only subjects the user
	// may publish to and subscribe to; DenyPublish subjects it may never
	// publish to.
	Publish, Subscribe, DenyPublish []string
}

// Server is a running embedded server, or one another process runs on the
// same store directory.
type Server struct {
	ns   *server.Server // nil when attached
	opts *server.Options
	urls map[string]string // user → URL with credentials
	url  string            // the first user's
	lock *os.File
}

// lockName and urlName are files in the store directory: the lock the
// running server's process holds, and the URL it serves on.
const (
	lockName = ".aidledger.lock"
	urlName  = ".aidledger.url"
)

// Start starts the server and waits until it accepts connections, or
// attaches to the one another process runs on cfg.StoreDir. JetStream
// writes are synced to disk before they are acknowledged (sync_interval
// always): a single node must not acknowledge what it could lose.
func Start(cfg Config) (*Server, error) {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		cfg.Port = server.RANDOM_PORT
	}
	if err := os.MkdirAll(cfg.StoreDir, 0o755); err != nil {
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(cfg.StoreDir, lockName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); errors.Is(err, syscall.EWOULDBLOCK) {
		lock.Close()
		return attach(cfg.StoreDir)
	} else if err != nil {
		lock.Close()
		return nil, fmt.Errorf("embedded NATS: locking %s: %w", cfg.StoreDir, err)
	}
	if len(cfg.Users) == 0 {
		lock.Close()
		return nil, errors.New("embedded NATS: no users: anonymous access is not allowed")
	}
	opts := &server.Options{
		ServerName: "aidledger-embedded", Host: cfg.Host, Port: cfg.Port,
		JetStream: true, StoreDir: cfg.StoreDir, SyncAlways: true,
		NoSigs: true, NoLog: true, Users: serverUsers(cfg.Users),
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		lock.Close()
		return nil, fmt.Errorf("embedded NATS did not become ready within 10 s (store %s)", cfg.StoreDir)
	}
	s := &Server{ns: ns, opts: opts, urls: map[string]string{}, lock: lock}
	lines := ""
	for i, u := range cfg.Users {
		if strings.HasPrefix(u.Password, "$2") { // a bcrypt hash: no URL
			continue
		}
		s.urls[u.Name] = withUser(ns.ClientURL(), u)
		if i == 0 {
			s.url = s.urls[u.Name]
		}
		lines += s.urls[u.Name] + "\n"
	}
	if s.url == "" {
		s.Shutdown()
		return nil, errors.New("embedded NATS: the first user's password must be in clear")
	}
	if err := os.WriteFile(filepath.Join(cfg.StoreDir, urlName), []byte(lines), 0o600); err != nil {
		s.Shutdown()
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	return s, nil
}

// attach returns the server another process runs on storeDir.
func attach(storeDir string) (*Server, error) {
	b, err := os.ReadFile(filepath.Join(storeDir, urlName))
	lines := strings.Fields(string(b))
	if err != nil || len(lines) == 0 {
		return nil, fmt.Errorf("embedded NATS: another process runs a server on %s, but its URL cannot be read: %w", storeDir, err)
	}
	s := &Server{url: lines[0], urls: map[string]string{}}
	for _, l := range lines {
		if u, err := url.Parse(l); err == nil && u.User != nil {
			s.urls[u.User.Username()] = l
		}
	}
	return s, nil
}

// URLFor is the URL to connect to as user (whose password is in clear),
// or "" for an unknown one.
func (s *Server) URLFor(user string) string { return s.urls[user] }

// ClientURL is the URL to connect to, with the first user's credentials
// (the URL file an attaching process reads is readable by its owner only).
func (s *Server) ClientURL() string { return s.url }

// SetUsers replaces the server's users (the first one stays the one
// ClientURL carries), without a restart; connections of a user removed
// are closed. An attached process cannot: it is an error.
func (s *Server) SetUsers(users []User) error {
	if s.ns == nil {
		return errors.New("embedded NATS: another process runs the server")
	}
	opts := s.opts.Clone()
	opts.Users = serverUsers(users)
	if err := s.ns.ReloadOptions(opts); err != nil {
		return fmt.Errorf("embedded NATS: reload users: %w", err)
	}
	s.opts = opts
	return nil
}

// serverUsers turns users into the server's.
func serverUsers(users []User) []*server.User {
	out := make([]*server.User, len(users))
	for i, u := range users {
		su := &server.User{Username: u.Name, Password: u.Password}
		if u.Publish != nil || u.Subscribe != nil || u.DenyPublish != nil {
			su.Permissions = &server.Permissions{}
			if u.Publish != nil || u.DenyPublish != nil {
				su.Permissions.Publish = &server.SubjectPermission{Allow: u.Publish, Deny: u.DenyPublish}
			}
			if u.Subscribe != nil {
				su.Permissions.Subscribe = &server.SubjectPermission{Allow: u.Subscribe}
			}
		}
		out[i] = su
	}
	return out
}

// withUser is url with u's credentials.
func withUser(raw string, u User) string {
	parsed, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	parsed.User = url.UserPassword(u.Name, u.Password)
	return parsed.String()
}

// Attached reports whether another process runs the server.
func (s *Server) Attached() bool { return s.ns == nil }

// Shutdown stops the server this process runs and waits until it is down
// (nothing, when attached).
func (s *Server) Shutdown() {
	if s.ns != nil {
		s.ns.Shutdown()
		s.ns.WaitForShutdown()
	}
	if s.lock != nil {
		s.lock.Close()
	}
}
