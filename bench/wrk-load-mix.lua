-- wrk script for scripts/load.sh: a mix of GET /v1/me, POST /v1/generations, polls of accepted jobs and admin
-- reads, each user request signed with one of the tokens in $TOKENS_FILE (one a line), admin reads with
-- $ADMIN_TOKEN. Counts answers by status and prints one machine-readable summary line at the end.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

local tokens = {}
local admin = os.getenv("ADMIN_TOKEN")
local ids = {}
local next_id = 1
local ring = 256
-- Admin reads, one picked at random each time; $ADMIN_PATHS (comma-separated) replaces the list.
local admin_paths = { "/admin/usage", "/admin/providers", "/admin/policy" }
if os.getenv("ADMIN_PATHS") ~= nil and os.getenv("ADMIN_PATHS") ~= "" then
  admin_paths = {}
  for path in string.gmatch(os.getenv("ADMIN_PATHS"), "[^,]+") do table.insert(admin_paths, path) end
end

function init(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    if line ~= "" then table.insert(tokens, line) end
  end
  math.randomseed(seed * 7919 + os.time())
  status_2xx, status_202, status_4xx, status_5xx, status_other = 0, 0, 0, 0, 0
end

local function user_headers(index)
  return { ["Authorization"] = "Bearer " .. tokens[index or math.random(#tokens)] }
end

function request()
  local pick = math.random(100)
  if pick <= 35 then
    return wrk.format("GET", "/v1/me", user_headers())
  elseif pick <= 65 then
    -- The prompt names the submitting user; the 202 echoes it, so the poll can carry that user's token (a job is
    -- visible to its owner only).
    local index = math.random(#tokens)
    local headers = user_headers(index)
    headers["Content-Type"] = "application/json"
    local body = '{"prompt": "load user ' .. index .. '", "steps": 4, "width": 64, "height": 64}'
    return wrk.format("POST", "/v1/generations", headers, body)
  elseif pick <= 90 and #ids > 0 then
    local entry = ids[math.random(#ids)]
    return wrk.format("GET", "/v1/generations/" .. entry.id, user_headers(entry.user))
  elseif pick <= 90 then
    return wrk.format("GET", "/v1/me", user_headers())
  end
  local path = admin_paths[math.random(#admin_paths)]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. admin })
end

function response(status, headers, response_body)
  if status == 202 then
    status_202 = status_202 + 1
    local id = string.match(response_body, '"id"%s*:%s*"([^"]+)"')
    local user = string.match(response_body, '"load user (%d+)"')
    if id ~= nil and user ~= nil then
      ids[next_id] = { id = id, user = tonumber(user) }
      next_id = next_id % ring + 1
    end
  end
  if status >= 200 and status < 300 then
    status_2xx = status_2xx + 1
  elseif status >= 400 and status < 500 then
    status_4xx = status_4xx + 1
  elseif status >= 500 then
    status_5xx = status_5xx + 1
  else
    status_other = status_other + 1
  end
end

function done(summary, latency, requests)
  local totals = { s2xx = 0, s202 = 0, s4xx = 0, s5xx = 0, other = 0 }
  for _, thread in ipairs(threads) do
    totals.s2xx = totals.s2xx + thread:get("status_2xx")
    totals.s202 = totals.s202 + thread:get("status_202")
    totals.s4xx = totals.s4xx + thread:get("status_4xx")
    totals.s5xx = totals.s5xx + thread:get("status_5xx")
    totals.other = totals.other + thread:get("status_other")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d requests_per_second=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f "
      .. "accepted_202=%d ok_2xx=%d client_4xx=%d server_5xx=%d other=%d connect_errors=%d read_errors=%d "
      .. "write_errors=%d timeouts=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, totals.s202, totals.s2xx, totals.s4xx, totals.s5xx,
    totals.other, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
