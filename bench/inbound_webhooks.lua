-- wrk script for bench/inbound_webhooks.py --compare: posts Postmark inbound webhooks,
-- each a distinct email except every BENCH_REPLAY_EVERY-th, a repeat of one this
-- connection's thread already sent. The body is BENCH_TEMPLATE with every "@@N@@"
-- replaced by the email's key (run, thread, number), built in Lua so the load generator
-- costs little CPU beside the web process it measures.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("BENCH_TEMPLATE"), "rb"))
  local text = file:read("*a")
  file:close()
  parts = {}
  local start = 1
  while true do
    local first, last = string.find(text, "@@N@@", start, true)
    if not first then
      table.insert(parts, string.sub(text, start))
      break
    end
    table.insert(parts, string.sub(text, start, first - 1))
    start = last + 1
  end
  run = os.getenv("BENCH_RUN")
  replay_every = tonumber(os.getenv("BENCH_REPLAY_EVERY"))
  sent = 0
  distinct = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
end

function request()
  sent = sent + 1
  local n
  if replay_every > 0 and sent % replay_every == 0 and distinct > 0 then
    n = math.random(distinct)
  else
    distinct = distinct + 1
    n = distinct
  end
  return wrk.format(nil, nil, nil, table.concat(parts, run .. "-" .. id .. "-" .. n))
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("distinct")
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d non2xx=%d socket_errors=%d duration_us=%d distinct=%d "
      .. "p50_us=%d p95_us=%d p99_us=%d max_us=%d\n",
    summary.requests, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    summary.duration, total, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max
  ))
end
