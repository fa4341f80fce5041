#!/usr/bin/env bash
# Dashboard queries over 100 000 generated projects, on SQLite and on a throwaway PostgreSQL
# cluster (Debian's `postgresql` package). Usage: bench/dashboard.sh [PROJECTS]
set -euo pipefail
cd "$(dirname "$0")/.."
projects="${1:-100000}"
cargo build --release -q -p nuage-registry --example dashboard_bench
bin=target/release/examples/dashboard_bench
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== SQLite"
"$bin" "sqlite://$work/bench.db" "$projects"

pgbin="$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")"
runas=()
if [ "$(id -u)" = 0 ]; then chown postgres: "$work"; runas=(runuser -u postgres --); fi
"${runas[@]}" "$pgbin/initdb" -D "$work/pg" -A trust -U postgres --no-sync >/dev/null
port=55433
"${runas[@]}" "$pgbin/pg_ctl" -D "$work/pg" -o "-c listen_addresses=127.0.0.1 -p $port -k $work" -l "$work/pg.log" -w start >/dev/null
trap '"${runas[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null; rm -rf "$work"' EXIT
psql -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE bench"
echo "== PostgreSQL"
"$bin" "postgres://postgres@127.0.0.1:$port/bench" "$projects"
