-- wrk script: rotating paths and POST bodies, and a JSON summary on stdout.
--
-- WRK_PATHS_FILE (one path a line): the requests cycle through them, each thread
-- from its own share of the list, so that two threads never send the same
-- path at once. WRK_BODIES: each path's POSTs alternate through the bodies
-- (done=1, done=0), so with at least as many paths per thread as it has
-- connections, every tick finds the opposite state and writes.
local method = os.getenv("WRK_METHOD") or "GET"
local function split(text)
  local out = {}
  for item in string.gmatch(text or "", "[^|]+") do table.insert(out, item) end
  return out
end
local bodies = split(os.getenv("WRK_BODIES"))
local all_paths = {}
local paths_file = os.getenv("WRK_PATHS_FILE") or ""
if paths_file ~= "" then
  for line in io.lines(paths_file) do
    if line ~= "" then table.insert(all_paths, line) end
  end
end
local extra_headers = {}
for pair in string.gmatch(os.getenv("WRK_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^([^:]+):%s*(.*)$")
  if name then extra_headers[name] = value end
end

local threads = {}
local next_id = 0
setup = function(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
local paths = {}
init = function(args)
  local count = tonumber(os.getenv("WRK_THREADS") or "1")
  for index, path in ipairs(all_paths) do
    if (index - 1) % count == thread_id then table.insert(paths, path) end
  end
end

request = function()
  counter = counter + 1
  local path = nil
  local turn = counter
  if #paths > 0 then
    path = paths[((counter - 1) % #paths) + 1]
    turn = math.floor((counter - 1) / #paths)
  end
  local body = nil
  if #bodies > 0 then body = bodies[(turn % #bodies) + 1] end
  return wrk.format(method, path, extra_headers, body)
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
