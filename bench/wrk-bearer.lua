-- wrk script for scripts/bench-gateway.sh: sends the Bearer token from $TOKEN on every request, and, when $BODY
-- is set, POSTs it as JSON. Prints one machine-readable summary line at the end.
local token = os.getenv("TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token
local body = os.getenv("BODY")
if body ~= nil and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    "RESULT requests_per_second=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, bad))
end
