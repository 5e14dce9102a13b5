-- wrk script: optional POST body alternation, and a JSON summary on stdout.
local counter = 0
local method = os.getenv("WRK_METHOD") or "GET"
local bodies = {}
for body in string.gmatch(os.getenv("WRK_BODIES") or "", "[^|]+") do
  table.insert(bodies, body)
end
local extra_headers = {}
for pair in string.gmatch(os.getenv("WRK_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^([^:]+):%s*(.*)$")
  if name then extra_headers[name] = value end
end

request = function()
  counter = counter + 1
  local body = nil
  if #bodies > 0 then body = bodies[(counter % #bodies) + 1] end
  return wrk.format(method, nil, extra_headers, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
