# Shared by up, start and down: where the cluster lives and its ports.
# Sourced, not run. See README.md.

set -euo pipefail

die() { printf 'local-cluster: %s\n' "$*" >&2; exit 1; }
say() { printf 'local-cluster: %s\n' "$*" >&2; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${AIDLEDGER_CLUSTER_DIR:-/tmp/aidledger-cluster}"
BASE="${AIDLEDGER_CLUSTER_PORT_BASE:-20000}"

# parse_flags reads --dir and --port-base (they override the environment).
parse_flags() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--dir) DIR="$2"; shift 2 ;;
		--port-base) BASE="$2"; shift 2 ;;
		*) ARGS+=("$1"); shift ;;
		esac
	done
	DIR="$(mkdir -p "$DIR" && cd "$DIR" && pwd)"
}
ARGS=()

# Ports, from BASE (default 20000):
#   etcd 20379 (peer 20380) · PostgreSQL pg1..3 20432..20434, Patroni REST 20009..20011
#   NATS n1..3 clients 20223..20225, routes 20323..20325, monitoring 20423..20425
#   ledgers 20081, 20082 · HAProxy 20080
etcd_port() { echo $((BASE + 379)); }
pg_port() { echo $((BASE + 431 + $1)); }
patroni_port() { echo $((BASE + 8 + $1)); }
nats_port() { echo $((BASE + 222 + $1)); }
route_port() { echo $((BASE + 322 + $1)); }
nats_http_port() { echo $((BASE + 422 + $1)); }
ledger_port() { echo $((BASE + 80 + $1)); }
proxy_port() { echo $((BASE + 80)); }

# as_postgres runs a command as the postgres OS user when we are root
# (PostgreSQL refuses to run as root), else as ourselves; exec'd, so that
# the caller's $! is the command's own pid.
as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then
		exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
	fi
	exec "$@"
}

# pid_of NAME prints the pid recorded for a part, if it is alive.
pid_of() {
	local f="$DIR/pids/$1"
	[ -f "$f" ] || return 1
	local pid
	pid="$(cat "$f")"
	kill -0 "$pid" 2>/dev/null || return 1
	echo "$pid"
}

# secret NAME prints a generated password, made on first use (mode 0600).
secret() {
	local f="$DIR/secrets/$1"
	if [ ! -s "$f" ]; then
		mkdir -p "$DIR/secrets" && chmod 700 "$DIR/secrets"
		(umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$f")
	fi
	cat "$f"
}

# wait_for DESCRIPTION SECONDS COMMAND... retries COMMAND every 0.2 s.
wait_for() {
	local what="$1" limit="$2"
	shift 2
	local deadline=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || die "$what: not ready within ${limit} s (logs in $DIR/log)"
		sleep 0.2
	done
}

database_url() { # the ledger's multi-host URL; $1: target_session_attrs (default read-write)
	local pw hosts=""
	pw="$(secret pg-aidledger)"
	for n in 1 2 3; do hosts+="${hosts:+,}127.0.0.1:$(pg_port $n)"; done
	echo "postgres://aidledger:$pw@$hosts/aidledger?target_session_attrs=${1:-read-write}&connect_timeout=3"
}

nats_urls() { # NATS URLs for USER with PASSWORD, comma-separated
	local out=""
	for n in 1 2 3; do out+="${out:+,}nats://$1:$2@127.0.0.1:$(nats_port $n)"; done
	echo "$out"
}
