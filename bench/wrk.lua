-- wrk script for bench/layers_wrk.py: cycle through a fixed list of paths,
-- count what was not 2xx, the bytes of each body and the answers nginx's
-- cache gave (X-Cache-Status: HIT), print one JSON line.
--
--   wrk -c8 -t2 -d15s -s bench/wrk.lua http://host:port -- PATHS_FILE [unique]
--
-- PATHS_FILE has one path (with its query) per line. Each thread starts at
-- its own offset so the connections do not ask for the same path at once.
-- With "unique", every request gets a query argument no other request has
-- (`_bench=<thread>-<n>`), so no cache can answer it: a cold run.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(paths, line)
    end
  end
  unique = args[2] == "unique"
  index = math.floor((id - 1) * #paths / 2)
  sent = 0
  errors = 0
  body_bytes = 0
  responses = 0
  cache_hits = 0
end

function request()
  index = index % #paths + 1
  sent = sent + 1
  local path = paths[index]
  if unique then
    local sep = path:find("?", 1, true) and "&" or "?"
    path = path .. sep .. "_bench=" .. id .. "-" .. sent
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    errors = errors + 1
  end
  local cache = headers["X-Cache-Status"] or headers["x-cache-status"]
  if cache == "HIT" then
    cache_hits = cache_hits + 1
  end
  if body then
    body_bytes = body_bytes + #body
  end
end

function done(summary, latency, requests)
  local errors_total, bytes_total, responses_total, hits_total = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    errors_total = errors_total + thread:get("errors")
    bytes_total = bytes_total + thread:get("body_bytes")
    responses_total = responses_total + thread:get("responses")
    hits_total = hits_total + thread:get("cache_hits")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "non_2xx": %d, '
      .. '"responses": %d, "body_bytes": %d, "socket_errors": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, '
      .. '"max_us": %d, "cache_hits": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors_total,
    responses_total, bytes_total,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, hits_total))
end
