package pgcluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A data directory's server is shared by the processes that Start it:
// the first starts it, later ones attach to it (never stopping it), and
// the last one to Stop stops it. Each holder is a file named by its PID in
// DataDir+".run/clients"; starts and stops take an exclusive lock on
// DataDir+".lock" (flock), so two processes starting at once never both
// run initdb or both start a server, and a holder that was killed is
// noticed (its PID is gone) and forgotten.

// lock takes the data directory's exclusive lock, waiting for it; the
// returned function releases it.
func (c *Cluster) lock() (unlock func(), err error) {
	f, err := os.OpenFile(c.dataDir+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("pgcluster: locking %s: %w", f.Name(), err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func (c *Cluster) clientsDir() string { return filepath.Join(c.runDir, "clients") }

// register records this process as a holder of the server.
func (c *Cluster) register() error {
	if err := os.MkdirAll(c.clientsDir(), 0o700); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.clientsDir(), strconv.Itoa(os.Getpid())), nil, 0o600); err != nil {
		return fmt.Errorf("pgcluster: registering as a holder: %w", err)
	}
	return nil
}

// unregister forgets this process as a holder.
func (c *Cluster) unregister() {
	_ = os.Remove(filepath.Join(c.clientsDir(), strconv.Itoa(os.Getpid())))
}

// otherHolders counts the live processes other than this one that hold the
// server, forgetting those that are gone.
func (c *Cluster) otherHolders() int {
	entries, err := os.ReadDir(c.clientsDir())
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		switch {
		case err != nil:
			continue
		case pid == os.Getpid():
			continue
		case !processAlive(pid):
			_ = os.Remove(filepath.Join(c.clientsDir(), e.Name()))
		default:
			n++
		}
	}
	return n
}

// attach makes c a handle on a server that another live process started
// on the data directory, if there is one: it reports whether it attached.
func (c *Cluster) attach() (bool, error) {
	if c.otherHolders() == 0 {
		return false, nil
	}
	pid, err := readPostmasterPID(c.dataDir)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !c.servesDataDir(pid)) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	port, err := readPostmasterPort(c.dataDir)
	if err != nil {
		return false, err
	}
	c.pid, c.port, c.attached = pid, port, true
	c.logf("pgcluster: attached to the server (PID %d) on 127.0.0.1:%d that another process started on %s", pid, port, c.dataDir)
	return true, nil
}

// readPostmasterPort reads the port from postmaster.pid (its fourth line).
func readPostmasterPort(dataDir string) (int, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("pgcluster: %w", err)
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 4 {
		return 0, fmt.Errorf("pgcluster: postmaster.pid has no port line")
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil || port <= 0 || port > 65535 {
		return 0, fmt.Errorf("pgcluster: port in postmaster.pid: %q", lines[3])
	}
	return port, nil
}

// processAlive reports whether a process with this PID exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
