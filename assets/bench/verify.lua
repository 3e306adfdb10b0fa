-- wrk script for the QR verification benchmark: replays pre-signed terminal requests, each with
-- its own nonce (the server accepts a nonce once), split between wrk's threads.
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
      local key, ts, nonce, sig, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
      requests[#requests + 1] = wrk.format("POST", "/integration/v1/cards/verify", {
        ["Content-Type"] = "application/json",
        ["X-Huimin-Key"] = key,
        ["X-Huimin-Timestamp"] = ts,
        ["X-Huimin-Nonce"] = nonce,
        ["X-Huimin-Signature"] = sig,
      }, body)
    end
    n = n + 1
  end
  idx = 0
  failures = 0
end

function request()
  idx = idx + 1
  if idx > #requests then idx = 1 end
  return requests[idx]
end

function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("verifications/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + t:get("failures") end
  io.write(string.format("non-200 answers: %d of %d\n", failed, summary.requests))
end
