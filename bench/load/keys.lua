-- wrk script for bench/load/run.sh. Settings come from the environment, since wrk passes a script
-- no arguments of its own before init():
--   BENCH_MODE   static (the URL's own path), walk (BENCH_KEYS in order from BENCH_START),
--                zipf (BENCH_KEYS ranked, Zipf s = 1.0), unique (BENCH_PREFIX + a counter)
--   BENCH_KEYS   a file with one key per line
--   BENCH_START  first line of the walk (1-based); run.sh moves it on so no key repeats soon
--   BENCH_PREFIX prefix of never-seen keys; run.sh makes it unique per run
-- done() prints one RESULT line that run.sh parses.

local mode = os.getenv("BENCH_MODE") or "static"
local base = "/cache/demo/"
local keys = {}
local cdf = {}

if mode == "walk" or mode == "zipf" then
  local path = os.getenv("BENCH_KEYS")
  assert(path, "BENCH_KEYS not set")
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    if #line > 0 then keys[#keys + 1] = base .. line end
  end
  file:close()
  assert(#keys > 0, "no keys in BENCH_KEYS")
end

if mode == "zipf" then
  -- The CDF is built once, so that each request costs one uniform draw and a binary search.
  local total = 0
  for i = 1, #keys do total = total + 1 / i end
  local running = 0
  for i = 1, #keys do
    running = running + (1 / i) / total
    cdf[i] = running
  end
  cdf[#keys] = 1
end

local cursor = tonumber(os.getenv("BENCH_START") or "1") - 1
local prefix = base .. (os.getenv("BENCH_PREFIX") or "cold-")
local counter = 0

function init(args)
  math.randomseed(os.time() + cursor)
end

if mode == "walk" then
  function request()
    cursor = cursor % #keys + 1
    return wrk.format(nil, keys[cursor])
  end
elseif mode == "zipf" then
  function request()
    local r = math.random()
    local lo, hi = 1, #cdf
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cdf[mid] < r then lo = mid + 1 else hi = mid end
    end
    return wrk.format(nil, keys[lo])
  end
elseif mode == "unique" then
  function request()
    counter = counter + 1
    return wrk.format(nil, prefix .. counter)
  end
end
-- In static mode request() stays undefined, so wrk sends its prebuilt request at full speed.

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
