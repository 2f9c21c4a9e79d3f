-- wrk script: replays a plan of chat turns, one request per line: "key<TAB>path<TAB>body".
-- Usage: wrk -t1 -cN -dS -s bench/turns.lua http://127.0.0.1:PORT -- PLAN_FILE HOST
-- The plan wraps around when the run outlasts it (the Python side sizes it to avoid that).

local requests_ = {}
local count = 0
local position = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  local host = args[2]
  for line in file:lines() do
    local key, path, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    if key then
      count = count + 1
      requests_[count] = wrk.format("POST", path, {
        ["Host"] = host,
        ["Authorization"] = "Token " .. key,
        ["Content-Type"] = "application/json",
      }, body)
    end
  end
  file:close()
end

function request()
  position = position + 1
  if position > count then
    position = 1
  end
  return requests_[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean
  ))
end
