#!/usr/bin/env bash
# Load test (make load): the gateway in a release build (the GatewayBenchmarks program: real middleware chain,
# SQLite ledger and jobs, an instant in-process provider) driven by wrk on loopback with a mix of GET /v1/me,
# POST /v1/generations from many distinct users (dev tokens from /dev/login), polls of accepted jobs and admin
# reads (bench/wrk-load-mix.lua). Prints throughput, latency percentiles, answers by status, errors, the
# process's RSS after warm-up and at the end, and the backlog of accepted jobs not yet run; lets that drain, stops
# the gateway and checks that the ledger balances exactly against the accepted jobs, and the usage report's per-day
# rows against the reservations. Exits 1 when the ledger does not balance, or on any 5xx or timeout.
# Not part of CI (it runs for over a minute on a quiet machine). Installs wrk and sqlite3 for itself.
# Environment: DURATION (default 60s), WARMUP (10s), CONNECTIONS (200), THREADS (2), USERS (1000),
# TIMEOUT (wrk's per-request timeout, 2s), PORT (18183), ADMIN_PATHS (the admin reads, comma-separated; default
# /admin/usage,/admin/providers,/admin/policy).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-60s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-200}
THREADS=${THREADS:-2}
USERS=${USERS:-1000}
TIMEOUT=${TIMEOUT:-2s}
PORT=${PORT:-18183}
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo

./scripts/install-deps.sh
for tool in wrk sqlite3; do
  command -v "$tool" >/dev/null || $SUDO apt-get install -y -q "$tool"
done
swift build -c release --product GatewayBenchmarks

WORK=$(mktemp -d)
GATEWAY=""
cleanup() {
  [ -n "$GATEWAY" ] && kill "$GATEWAY" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$GATEWAY/status"; }

mkdir -p "$WORK/policies"
cat >"$WORK/policies/load.yaml" <<'YAML'
providers:
  - {name: instant, kind: local, price_per_second_usd: 0.001, total_deadline_seconds: 120}
admins:
  emails: [load-admin@example.com]
tiers:
  # One running or waiting job per user, as a real tier paces its users: 1,000 users can then never fill the
  # runner's queue (1,000 waiting), so an overload shows as 429s to the users who asked too fast, never as 503s.
  - {name: load, providers: [instant], limits: {concurrent_jobs: 1}}
users:
  - {default: true, tier: load}
YAML
.build/release/GatewayBenchmarks "$PORT" "$WORK/policies" "$WORK/data" "$WORK/bench-token" >"$WORK/gateway.log" 2>&1 &
GATEWAY=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 600); do
  curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "$BASE/healthz" >/dev/null || { echo "the gateway did not come up" >&2; cat "$WORK/gateway.log" >&2; exit 1; }

# The token, on a line of its own (the JSON answer has no final newline).
mint() {
  curl -sf "$BASE/dev/login?format=json&email=$1" | sed -n 's/.*"id_token":"\([^"]*\)".*/\1/p'
  echo
}
for index in $(seq 1 "$USERS"); do mint "load-user-$index@example.com"; done >"$WORK/tokens"
[ "$(grep -c . "$WORK/tokens")" -eq "$USERS" ] || { echo "could not mint $USERS dev tokens" >&2; exit 1; }
export TOKENS_FILE="$WORK/tokens"
export ADMIN_TOKEN
ADMIN_TOKEN=$(mint load-admin@example.com)

run_wrk() { # duration
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" --timeout "$TIMEOUT" -s bench/wrk-load-mix.lua "$BASE" | grep '^RESULT'
}
field() { # line name
  sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" ${1#RESULT }"
}

rss_start=$(rss_kib)
warm=$(run_wrk "$WARMUP")
rss_warm=$(rss_kib)
(
  peak=0
  while kill -0 "$GATEWAY" 2>/dev/null; do
    now=$(rss_kib 2>/dev/null || echo 0)
    [ "${now:-0}" -gt "$peak" ] && peak=$now && echo "$peak" >"$WORK/rss-peak"
    sleep 1
  done
) &
SAMPLER=$!
main=$(run_wrk "$DURATION")
rss_end=$(rss_kib)
kill "$SAMPLER" 2>/dev/null || true
rss_peak=$(cat "$WORK/rss-peak" 2>/dev/null || echo "$rss_end")

# Jobs accepted but not yet run wait in the runner's queue: report that backlog, let it drain (at most 120 s),
# then stop the gateway gracefully and audit the ledger file.
count_unfinished() {
  sqlite3 "$WORK/data/gateway.sqlite" "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')"
}
backlog=$(count_unfinished)
drain_started=$(date +%s)
for _ in $(seq 1 1200); do
  [ "$(count_unfinished)" -eq 0 ] && break
  sleep 0.1
done
drain_seconds=$(($(date +%s) - drain_started))
rss_drained=$(rss_kib)
# wrk does not count the answers still in flight when it stops (at most one per connection), so the number of
# 202s to balance against is the gateway's own count.
accepted=$(curl -sf "$BASE/metrics" |
  awk '/^gateway_http_requests_total\{route="\/v1\/generations",method="POST",status="202"\}/ {print $2}')
seen=$(($(field "$warm" accepted_202) + $(field "$main" accepted_202)))
kill -TERM "$GATEWAY"
wait "$GATEWAY" 2>/dev/null || true
GATEWAY=""

audit=$(
  sqlite3 -separator ' ' "$WORK/data/gateway.sqlite" <<'SQL'
SELECT 'reservations', count(*) FROM reservations;
SELECT 'settled', count(*) FROM reservations WHERE state = 'settled';
SELECT 'held', count(*) FROM reservations WHERE state = 'held';
SELECT 'jobs', count(*) FROM jobs;
SELECT 'jobs_succeeded', count(*) FROM jobs WHERE status = 'succeeded';
SELECT 'jobs_interrupted', count(*) FROM jobs WHERE status = 'interrupted';
SELECT 'refunded_or_released', count(*) FROM reservations WHERE state IN ('refunded', 'released');
SELECT 'jobs_without_reservation', count(*) FROM jobs j WHERE NOT EXISTS
  (SELECT 1 FROM reservations r WHERE r.job_id = j.id);
SELECT 'charged_micros', coalesce(sum(charged_micros), 0) FROM reservations;
SELECT 'job_cost_micros', coalesce(sum(cost_micros), 0) FROM jobs;
SELECT 'charge_mismatches', count(*) FROM reservations r WHERE r.state IN ('settled', 'released')
  AND r.charged_micros != coalesce((SELECT sum(a.cost_micros) FROM attempts a WHERE a.job_id = r.job_id
    AND (a.outcome = 'succeeded' OR r.charges_failed_attempts = 1)), 0);
SELECT 'day_window_mismatches', count(*) FROM (
  SELECT r.user_key, r.day_start, sum(r.produced_image) AS images, sum(r.charged_micros) AS spend
  FROM reservations r GROUP BY r.user_key, r.day_start) e
  LEFT JOIN quota_windows w ON w.period = 'day' AND w.user_key = e.user_key AND w.period_start = e.day_start
  WHERE w.images IS NOT e.images OR w.spend_micros IS NOT e.spend;
SELECT 'usage_day_mismatches', count(*) FROM (
  SELECT r.user_key, r.day_start, count(*) AS jobs, sum(r.produced_image) AS images, sum(r.charged_micros) AS spend
  FROM reservations r WHERE r.state != 'held' GROUP BY r.user_key, r.day_start) e
  LEFT JOIN (SELECT user_key, day_start, sum(jobs) AS jobs, sum(images) AS images, sum(charged_micros) AS spend
    FROM usage_user_days GROUP BY user_key, day_start) u ON u.user_key = e.user_key AND u.day_start = e.day_start
  WHERE u.jobs IS NOT e.jobs OR u.images IS NOT e.images OR u.spend IS NOT e.spend;
SQL
)
value() { awk -v name="$1" '$1 == name {print $2}' <<<"$audit"; }

echo "load: $CONNECTIONS connections, $THREADS wrk threads, $USERS users, warm-up $WARMUP, run $DURATION," \
  "timeout $TIMEOUT"
echo "warm-up ${warm#RESULT }"
echo "run     ${main#RESULT }"
echo "backlog at the end of the run: $backlog jobs queued or running, drained in ${drain_seconds}s"
echo "rss_kib start=$rss_start after_warmup=$rss_warm end=$rss_end peak=$rss_peak drained=$rss_drained" \
  "growth_after_warmup=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN {printf "%.1f%%", (b - a) * 100 / a}')"
echo "ledger: accepted_202=$accepted (wrk saw $seen) $(tr '\n' ' ' <<<"$audit")"

failed=0
for check in \
  "${accepted:-none} -ge $seen" "$(value reservations) -eq $accepted" "$(value jobs) -eq $accepted" \
  "$(value held) -eq 0" "$(value settled) -eq $(value jobs_succeeded)" \
  "$(value refunded_or_released) -eq $(value jobs_interrupted)" \
  "$(($(value settled) + $(value refunded_or_released))) -eq $accepted" "$(value jobs_without_reservation) -eq 0" \
  "$(value charged_micros) -eq $(value job_cost_micros)" "$(value charge_mismatches) -eq 0" \
  "$(value day_window_mismatches) -eq 0" "$(value usage_day_mismatches) -eq 0" \
  "$(field "$warm" server_5xx) -eq 0" "$(field "$main" server_5xx) -eq 0" \
  "$(field "$warm" timeouts) -eq 0" "$(field "$main" timeouts) -eq 0"; do
  # shellcheck disable=SC2086
  if ! [ $check ]; then
    echo "FAILED: $check" >&2
    failed=1
  fi
done
[ "$failed" -eq 0 ] && echo "ledger balances against the accepted jobs; no 5xx, no timeouts"
exit "$failed"
