#!/usr/bin/env bash
# Measures the quota ledger's reserve+settle pairs per second (release build): SQLite (file database in WAL mode,
# synchronous=NORMAL and FULL) and, in the same run, PostgreSQL on a temporary local server (Debian's postgresql
# package, loopback TCP, as the `postgres` user when run as root) with synchronous_commit on and off; sequential
# and with 16 concurrent callers.
# Usage: scripts/bench-ledger.sh [--pairs N] [--repeat N] [--synchronous normal|full|both]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build -c release --product ledger-benchmarks

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_dir=$(mktemp -d /tmp/bench-pg-XXXXXX)
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$pg_dir"
  as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U gateway -A trust -E UTF8 >/dev/null
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" \
  -o "-h 127.0.0.1 -p $port -k $pg_dir -c max_connections=100" -w -t 60 start >/dev/null
trap '"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
"$pg_bin/psql" -h 127.0.0.1 -p "$port" -U gateway -d postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE DATABASE bench_on" -c "CREATE DATABASE bench_off" \
  -c "ALTER DATABASE bench_off SET synchronous_commit = off"

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores visible)"
echo "sqlite: $(pkg-config --modversion sqlite3)"
echo "postgresql: $("$pg_bin/postgres" --version)"
.build/release/ledger-benchmarks "$@" \
  --postgres "synchronous_commit on=postgres://gateway@127.0.0.1:$port/bench_on?sslmode=disable" \
  --postgres "synchronous_commit off=postgres://gateway@127.0.0.1:$port/bench_off?sslmode=disable"
