// Package embeddednats runs a NATS server with JetStream inside the ledger's
// process, for the demo and for development when no NATS_URL is given.
package embeddednats

import (
	"fmt"
	"os"
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
}

// Start starts the server and waits until it accepts connections. JetStream
// writes are synced to disk before they are acknowledged (sync_interval
// always): a single node must not acknowledge what it could lose.
func Start(cfg Config) (*server.Server, error) {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		cfg.Port = server.RANDOM_PORT
	}
	if err := os.MkdirAll(cfg.StoreDir, 0o755); err != nil {
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "aidledger-embedded", Host: cfg.Host, Port: cfg.Port,
		JetStream: true, StoreDir: cfg.StoreDir, SyncAlways: true,
		NoSigs: true, NoLog: true,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded NATS: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("embedded NATS did not become ready within 10 s (store %s)", cfg.StoreDir)
	}
	return ns, nil
}
