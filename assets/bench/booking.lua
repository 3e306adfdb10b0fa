-- wrk script for the booking benchmark: replays the uncontended bookings `huimin-sim load
-- requests` wrote (token, Idempotency-Key, body per line), each once, split between wrk's
-- threads. A line used twice (the file ran out) is an idempotent replay answering 200, which
-- is counted apart from real failures.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
  requests = {}
  local n = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if n % nthreads == tid then
      local token, key, body = line:match("([^\t]*)\t([^\t]*)\t(.*)")
      requests[#requests + 1] = wrk.format("POST", "/api/v1/bookings", {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token,
        ["Idempotency-Key"] = key,
      }, body)
    end
    n = n + 1
  end
  idx = 0
  created = 0
  replayed = 0
  failures = 0
end

function request()
  idx = idx + 1
  if idx > #requests then idx = 1 end
  return requests[idx]
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 200 then
    replayed = replayed + 1
  else
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local c, r, f = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    r = r + t:get("replayed")
    f = f + t:get("failures")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("bookings/s: %.0f (created %d in %.1f s)\n", c / seconds, c, seconds))
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("replays (request file exhausted): %d; failures: %d; socket errors: %d\n", r, f,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
