// Package pgcluster runs a private PostgreSQL server from the PostgreSQL
// binaries installed on the machine. It is meant for development, demos and
// integration tests: the server listens on 127.0.0.1 only and trusts every
// local connection as the superuser "postgres".
//
// The package is Unix-only. When the calling process runs as root, the
// PostgreSQL programs (which refuse to run as root) are run as the "postgres"
// OS user instead, and the directories they need are handed to that user.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrNoBinaries is wrapped by the error Start returns when no PostgreSQL
// server binaries (initdb, pg_ctl, postgres) can be found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries not found")

// installHint tells the reader how to get out of the ErrNoBinaries situation.
const installHint = "install them with `apt-get install postgresql`, or set DATABASE_URL to an existing server"

// serverPrograms are the programs a bin directory must hold to be usable.
var serverPrograms = []string{"initdb", "pg_ctl", "postgres"}

// errPortInUse marks a start that failed because the port was taken.
var errPortInUse = errors.New("port already in use")

// Config describes the private server to start.
type Config struct {
	// DataDir is the cluster's data directory. It is created and
	// initialized (initdb) when it holds no PG_VERSION file; otherwise the
	// existing data is reused. Required.
	//
	// Start also uses a sibling directory, DataDir+".run", for the server
	// log (postgres.log) and, when its path is short enough, the Unix
	// socket.
	DataDir string

	// Port is the TCP port on 127.0.0.1. Zero picks a free port.
	Port int

	// BinDir holds initdb, pg_ctl and postgres. Empty auto-detects it:
	// first `pg_config --bindir`, then the highest version under
	// /usr/lib/postgresql/*/bin.
	BinDir string

	// Throwaway makes the last holder's Stop remove the data directory once
	// the server is down (test servers: their data is not kept).
	Throwaway bool

	// Settings are server parameters given at start (name → value, as
	// `-c name=value`), e.g. {"fsync": "off"} for a throw-away test server.
	// Names and values are letters, digits, '_' and '.'; others are refused.
	Settings map[string]string

	// Logf, when not nil, receives progress messages.
	Logf func(format string, args ...any)
}

// Cluster is a running private PostgreSQL server started by Start.
// Its methods are safe for concurrent use.
type Cluster struct {
	dataDir string
	runDir  string
	sockDir string
	tmpSock bool // sockDir was made by Start and is removed by Stop
	logPath string
	binDir  string
	port    int
	pid     int                 // the postmaster's PID, once started
	cred    *syscall.Credential // nil: run the programs as ourselves
	logf    func(format string, args ...any)
	// settings are the -c options of Config.Settings, sorted.
	settings  []string
	throwaway bool

	// attached: another process started the server; this one shares it.
	attached bool

	mu      sync.Mutex
	stopped bool
}

// Start starts a PostgreSQL server on cfg.DataDir, initializing the data
// directory first when it holds no cluster yet, and returns once the server
// accepts connections (typically well under a second).
//
// The server is shared: when another live process started it (and has not
// stopped it), Start attaches to it instead — same server, same port — and
// that process's server is never stopped by this one; the last holder to
// call Stop stops it (see share.go). Starts on one data directory are
// serialised by a lock file, so two at once never both initialize it.
//
// If a server is still running on cfg.DataDir that no live process holds,
// for example one left behind by a process that was killed before calling
// Stop, it is stopped first; a postmaster.pid whose process is gone is
// removed.
//
// Errors: the error wraps ErrNoBinaries when no PostgreSQL binaries are
// found; initdb or pg_ctl failures carry the program's output and the new
// part of the server log. When cfg.Port is zero and the chosen port is
// taken by someone else in the meantime, Start retries with another port.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	c, err := newCluster(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(c.dataDir), 0o700); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	unlock, err := c.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := c.prepareDirs(); err != nil {
		return nil, err
	}
	attached, err := c.attach()
	if err == nil && !attached {
		err = c.initAndStart(ctx, cfg.Port)
	}
	if err == nil {
		err = c.register()
	}
	if err != nil {
		c.removeTmpSock()
		return nil, err
	}
	return c, nil
}

// Attached reports whether another process started the server this
// Cluster shares.
func (c *Cluster) Attached() bool { return c.attached }

// initAndStart runs initdb if needed, stops a leftover server and starts
// ours on port (zero: a free one, retried when taken meanwhile).
func (c *Cluster) initAndStart(ctx context.Context, port int) error {
	if err := c.initIfNeeded(ctx); err != nil {
		return err
	}
	if err := c.stopLeftover(ctx); err != nil {
		return err
	}
	const attempts = 3
	for attempt := 1; ; attempt++ {
		p := port
		if p == 0 {
			var err error
			if p, err = freePort(); err != nil {
				return err
			}
		}
		began := time.Now()
		err := c.pgCtlStart(ctx, p)
		if err == nil {
			c.port = p
			c.pid, _ = readPostmasterPID(c.dataDir)
			c.logf("pgcluster: server on 127.0.0.1:%d started in %v (data %s)", p, time.Since(began).Round(time.Millisecond), c.dataDir)
			return nil
		}
		if ctx.Err() != nil {
			// pg_ctl was interrupted: the postmaster may be up anyway.
			_, _ = c.pgCtl(context.Background(), "-D", c.dataDir, "-m", "immediate", "-w", "-t", "10", "stop")
			return err
		}
		if port != 0 || attempt == attempts || !errors.Is(err, errPortInUse) {
			return err
		}
		c.logf("pgcluster: port %d was taken meanwhile; retrying with another port", p)
	}
}

// StopLeftover stops a server still running on cfg.DataDir, typically one
// left behind by a process that was killed before it could call Stop, and
// removes a postmaster.pid whose process is gone. It returns nil when no
// server is running there. Only cfg.DataDir, cfg.BinDir and cfg.Logf are
// used.
func StopLeftover(ctx context.Context, cfg Config) error {
	c, err := newCluster(cfg)
	if err != nil {
		return err
	}
	return c.stopLeftover(ctx)
}

// URL returns a connection URL for database dbname on this server, as the
// superuser "postgres" over TCP:
// postgres://postgres@127.0.0.1:PORT/DBNAME?sslmode=disable.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, url.PathEscape(dbname))
}

// Port returns the TCP port the server listens on (on 127.0.0.1).
func (c *Cluster) Port() int { return c.port }

// DataDir returns the absolute, symlink-free path of the data directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// LogPath returns the path of the server's log file.
func (c *Cluster) LogPath() string { return c.logPath }

// Stop lets go of the server: when other live processes still hold it, it
// is left running for them; otherwise it is shut down ("fast" mode: open
// sessions are disconnected, committed data is kept) and Stop waits until
// it is gone. It is idempotent, and returns nil when the server is already
// gone, including when another Start on the same data directory replaced
// it (that newer server is left alone). The data directory is left in
// place.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	unlock, err := c.lock()
	if err != nil {
		return err
	}
	defer unlock()
	c.unregister()
	if c.otherHolders() > 0 {
		c.stopped = true
		c.removeTmpSock()
		c.logf("pgcluster: leaving the server on 127.0.0.1:%d running for the other processes that hold it", c.port)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := c.stopServer(ctx, c.pid); err != nil {
		return err
	}
	c.stopped = true
	c.removeTmpSock()
	c.logf("pgcluster: cluster on 127.0.0.1:%d stopped", c.port)
	if c.throwaway {
		for _, dir := range []string{c.dataDir, c.runDir} {
			if err := os.RemoveAll(dir); err != nil {
				return fmt.Errorf("pgcluster: removing the throwaway cluster: %w", err)
			}
		}
	}
	return nil
}

// newCluster validates cfg and resolves the binaries, the OS user and the
// paths, without touching the file system.
func newCluster(cfg Config) (*Cluster, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("pgcluster: Config.DataDir is empty")
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("pgcluster: Config.Port %d is out of range", cfg.Port)
	}
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	binDir, err := findBinDir(cfg.BinDir)
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: data directory %q: %w", cfg.DataDir, err)
	}
	// Resolve symlinks in the existing part of the path, so that the
	// directory comparisons below (and /proc/PID/cwd) agree.
	if real, err := filepath.EvalSymlinks(filepath.Dir(dataDir)); err == nil {
		dataDir = filepath.Join(real, filepath.Base(dataDir))
	}
	settings, err := settingOptions(cfg.Settings)
	if err != nil {
		return nil, err
	}
	runDir := dataDir + ".run"
	return &Cluster{
		settings:  settings,
		throwaway: cfg.Throwaway,
		dataDir:   dataDir,
		runDir:    runDir,
		sockDir:   runDir,
		logPath:   filepath.Join(runDir, "postgres.log"),
		binDir:    binDir,
		cred:      cred,
		logf:      logf,
	}, nil
}

// settingOptions turns settings into sorted name=value options, refusing
// anything that is not a plain word (the options pass through a shell).
func settingOptions(settings map[string]string) ([]string, error) {
	var out []string
	for name, value := range settings {
		if !plainWord(name) || !plainWord(value) {
			return nil, fmt.Errorf("pgcluster: setting %q = %q: names and values must be letters, digits, '_' or '.'", name, value)
		}
		out = append(out, name+"="+value)
	}
	slices.Sort(out)
	return out, nil
}

func plainWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// findBinDir returns explicit when it holds the server programs, or else
// auto-detects a bin directory; the error wraps ErrNoBinaries and says where
// it looked.
func findBinDir(explicit string) (string, error) {
	if explicit != "" {
		if hasServerPrograms(explicit) {
			return explicit, nil
		}
		return "", fmt.Errorf("pgcluster: %w: looked for %s in %s (Config.BinDir); %s",
			ErrNoBinaries, strings.Join(serverPrograms, ", "), explicit, installHint)
	}

	var looked []string
	if pgConfig, err := exec.LookPath("pg_config"); err != nil {
		looked = append(looked, "`pg_config --bindir` (no pg_config on PATH)")
	} else if out, err := exec.Command(pgConfig, "--bindir").Output(); err != nil {
		looked = append(looked, fmt.Sprintf("`pg_config --bindir` (failed: %v)", err))
	} else {
		dir := strings.TrimSpace(string(out))
		if hasServerPrograms(dir) {
			return dir, nil
		}
		looked = append(looked, dir+" (from `pg_config --bindir`)")
	}

	const pattern = "/usr/lib/postgresql/*/bin"
	dirs, _ := filepath.Glob(pattern) // the pattern is valid
	slices.SortFunc(dirs, func(a, b string) int {
		return compareVersions(filepath.Base(filepath.Dir(b)), filepath.Base(filepath.Dir(a))) // highest first
	})
	for _, dir := range dirs {
		if hasServerPrograms(dir) {
			return dir, nil
		}
	}
	looked = append(looked, pattern)

	return "", fmt.Errorf("pgcluster: %w: looked for %s in %s; %s",
		ErrNoBinaries, strings.Join(serverPrograms, ", "), strings.Join(looked, " and "), installHint)
}

// hasServerPrograms reports whether dir holds every server program as an
// executable file.
func hasServerPrograms(dir string) bool {
	for _, name := range serverPrograms {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// compareVersions compares dotted numeric versions such as "15" and "9.6";
// non-numeric parts compare as zero.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

// serverCredential returns nil when the process is not root, and otherwise
// the credential of the "postgres" OS user, which the PostgreSQL programs
// are then run as.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root, which PostgreSQL refuses, and there is no `postgres` OS user to run it as "+
			"(install the postgresql package, which creates it, or run as another user): %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: uid %q of OS user postgres: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: gid %q of OS user postgres: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// prepareDirs creates the data and run directories, picks the socket
// directory and, when running as root, hands them to the postgres user and
// makes their parents traversable.
func (c *Cluster) prepareDirs() error {
	for _, dir := range []string{c.dataDir, c.runDir} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("pgcluster: creating %s: %w", dir, err)
		}
	}

	// A Unix socket path is limited to 107 bytes; deep temporary
	// directories can exceed that, so fall back to a short one.
	if len(c.runDir)+len("/.s.PGSQL.65535") > 107 {
		dir, err := os.MkdirTemp("", "pgsock-")
		if err != nil {
			return fmt.Errorf("pgcluster: creating a socket directory: %w", err)
		}
		c.sockDir, c.tmpSock = dir, true
	}

	if c.cred == nil {
		return nil
	}
	uid, gid := int(c.cred.Uid), int(c.cred.Gid)
	owned := []string{c.dataDir, c.runDir}
	if c.tmpSock {
		owned = append(owned, c.sockDir)
	}
	for _, dir := range owned {
		if err := chownTree(dir, uid, gid); err != nil {
			c.removeTmpSock()
			return err
		}
	}
	for _, dir := range []string{filepath.Dir(c.dataDir), filepath.Dir(c.sockDir)} {
		if err := makeTraversable(dir, uid, c.logf); err != nil {
			c.removeTmpSock()
			return err
		}
	}
	return nil
}

// chownTree gives dir, and everything below it that is not owned by uid
// yet, to uid:gid. A directory already owned by uid is left alone (its
// contents were created by that user).
func chownTree(dir string, uid, gid int) error {
	if ownedBy(dir, uid) {
		return nil
	}
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
	if err != nil {
		return fmt.Errorf("pgcluster: handing %s to the postgres user: %w", dir, err)
	}
	return nil
}

// ownedBy reports whether path exists and belongs to uid.
func ownedBy(path string, uid int) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == uid
}

// makeTraversable adds the "others may search" bit (o+x, not read) to dir
// and each of its ancestors that uid does not own and that lacks it, so that
// uid can reach the directories below (t.TempDir's parents are 0700).
func makeTraversable(dir string, uid int, logf func(string, ...any)) error {
	for {
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if !ownedBy(dir, uid) && fi.Mode().Perm()&0o001 == 0 {
			mode := fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) | 0o001
			if err := os.Chmod(dir, mode); err != nil {
				return fmt.Errorf("pgcluster: making %s traversable for the postgres user: %w", dir, err)
			}
			logf("pgcluster: chmod o+x %s so that the postgres user can reach the data directory", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

// initIfNeeded runs initdb unless the data directory already holds a
// cluster.
func (c *Cluster) initIfNeeded(ctx context.Context) error {
	_, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION"))
	if err == nil {
		c.logf("pgcluster: reusing the existing cluster in %s", c.dataDir)
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pgcluster: %w", err)
	}
	began := time.Now()
	// --locale=C: the machine's locale may not be generated (containers),
	// and C makes the cluster independent of it.
	if _, err := c.run(ctx, "initdb", "-D", c.dataDir, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return err
	}
	c.logf("pgcluster: initialized %s in %v", c.dataDir, time.Since(began).Round(time.Millisecond))
	return nil
}

// stopLeftover stops a server that is still running on the data directory
// although this Cluster did not start it, and removes a postmaster.pid whose
// process is gone.
func (c *Cluster) stopLeftover(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(c.dataDir, "postmaster.pid")); err == nil {
		c.logf("pgcluster: found a postmaster.pid in %s, probably left by an earlier run", c.dataDir)
	}
	return c.stopServer(ctx, 0)
}

// stopServer stops the server running on the data directory, if any, and
// removes a postmaster.pid whose process is gone. When onlyPID is not zero,
// a server with another PID is left alone.
func (c *Cluster) stopServer(ctx context.Context, onlyPID int) error {
	pidFile := filepath.Join(c.dataDir, "postmaster.pid")
	pid, err := readPostmasterPID(c.dataDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil && !errors.Is(err, strconv.ErrSyntax) {
		return err
	}
	if onlyPID != 0 && pid != onlyPID && err == nil && c.servesDataDir(pid) {
		c.logf("pgcluster: our server (PID %d) is gone; leaving PID %d alone", onlyPID, pid)
		return nil
	}
	if err != nil || !c.servesDataDir(pid) {
		c.logf("pgcluster: removing stale %s (its server is gone)", pidFile)
		if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("pgcluster: removing stale postmaster.pid: %w", err)
		}
		return nil
	}
	c.logf("pgcluster: stopping the server (PID %d) on %s", pid, c.dataDir)
	if _, err := c.pgCtl(ctx, "-D", c.dataDir, "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		return fmt.Errorf("pgcluster: stopping the server on %s: %w", c.dataDir, err)
	}
	return nil
}

// readPostmasterPID returns the PID recorded in dataDir/postmaster.pid. The
// error wraps fs.ErrNotExist when there is no such file, strconv.ErrSyntax
// when its first line is not a PID.
func readPostmasterPID(dataDir string) (int, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("pgcluster: %w", err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err == nil && pid <= 0 {
		err = strconv.ErrSyntax
	}
	if err != nil {
		return 0, fmt.Errorf("pgcluster: PID in %s: %w", filepath.Join(dataDir, "postmaster.pid"), err)
	}
	return pid, nil
}

// servesDataDir reports whether pid is alive and, as far as /proc can tell,
// is a postmaster serving this data directory (a PID recorded by a killed
// run may since have been reused by an unrelated process).
func (c *Cluster) servesDataDir(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// The postmaster's working directory is its data directory.
	if cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); err == nil {
		return cwd == c.dataDir
	}
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil {
		name := strings.TrimSpace(string(comm))
		return name == "postgres" || name == "postmaster"
	}
	return true // no /proc: trust the PID file
}

// pgCtlStart runs pg_ctl start on port and waits for the server to accept
// connections. A failure caused by the port being taken wraps errPortInUse.
func (c *Cluster) pgCtlStart(ctx context.Context, port int) error {
	var logStart int64
	if fi, err := os.Stat(c.logPath); err == nil {
		logStart = fi.Size()
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", port, shellQuote(c.sockDir))
	for _, s := range c.settings {
		opts += " -c " + s
	}
	_, err := c.pgCtl(ctx, "-D", c.dataDir, "-l", c.logPath, "-w", "-t", "60", "-o", opts, "start")
	if err == nil {
		return nil
	}
	logTail := readFrom(c.logPath, logStart, 4096)
	if strings.Contains(logTail, "Address already in use") {
		err = fmt.Errorf("%w: %w", errPortInUse, err)
	}
	return fmt.Errorf("pgcluster: starting the server on port %d: %w\nserver log (%s):\n%s", port, err, c.logPath, logTail)
}

// pgCtl runs pg_ctl with args.
func (c *Cluster) pgCtl(ctx context.Context, args ...string) (string, error) {
	return c.run(ctx, "pg_ctl", args...)
}

// run runs the PostgreSQL program name from the bin directory, as the
// postgres user when we are root, and returns its combined output; the error
// includes that output.
func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	cmd.Dir = "/" // reachable by every user, unlike our working directory
	cmd.Env = childEnv()
	cmd.WaitDelay = 5 * time.Second
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	out, err := cmd.CombinedOutput()
	text := strings.TrimSpace(string(out))
	if err != nil {
		return text, fmt.Errorf("pgcluster: %s %s: %w\n%s", name, strings.Join(args, " "), err, text)
	}
	return text, nil
}

// childEnv is our environment without the PG* variables (which could point
// the programs elsewhere) and locale settings, plus LC_ALL=C so that
// messages are in English and no missing locale gets in the way.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || strings.HasPrefix(name, "LC_") || name == "LANG" || name == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// removeTmpSock removes the socket directory if Start created it.
func (c *Cluster) removeTmpSock() {
	if c.tmpSock {
		_ = os.RemoveAll(c.sockDir)
	}
}

// freePort asks the kernel for a currently free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgcluster: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// shellQuote quotes s for /bin/sh (pg_ctl hands its -o options to a shell).
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// readFrom returns at most the last limit bytes of path from offset on, or
// a note saying why it could not be read.
func readFrom(path string, offset int64, limit int64) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read the log: %v)", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size()-offset > limit {
		offset = fi.Size() - limit
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return fmt.Sprintf("(cannot read the log: %v)", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Sprintf("(cannot read the log: %v)", err)
	}
	return strings.TrimSpace(string(data))
}
