-- wrk script for the Ping'an Patrol benchmark (bench/run.py writes the data file).
--
--   wrk ... <base url> -- <requests.tsv> [count]
--
-- Each line of requests.tsv is one request: method, path, cookie, csrf token and
-- body separated by tabs (empty fields are left out). The requests are built once
-- in init(), so request() costs wrk nothing but a table lookup; each thread starts
-- at its own offset and rotates through the list. With "count" the status of every
-- response is tallied. done() prints one line, "BENCH_JSON {...}", with exact
-- percentiles, which run.py parses.

local USER_AGENT = "pingan-bench"  -- also used by run.py: Flask-Login binds a session to IP + UA

local threads = {}
local requests_list = {}
local index = 0
statuses = {}

function setup(thread)
   thread:set("thread_number", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(args[1], "r"))
   for line in file:lines() do
      local method, path, cookie, csrf, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      if method then
         local headers = { ["User-Agent"] = USER_AGENT }
         if cookie ~= "" then headers["Cookie"] = cookie end
         if csrf ~= "" then headers["X-CSRFToken"] = csrf end
         if body == "" then
            body = nil
         else
            headers["Content-Type"] = "application/json"
         end
         requests_list[#requests_list + 1] = wrk.format(method, path, headers, body)
      end
   end
   file:close()
   assert(#requests_list > 0, "no requests in " .. args[1])
   -- spread the threads over the list so they don't send the same request in step
   index = ((thread_number or 0) * 7919) % #requests_list
   if args[2] == "count" then
      response = function(status, headers, body)
         statuses[status] = (statuses[status] or 0) + 1
      end
   end
end

function request()
   index = index % #requests_list + 1
   return requests_list[index]
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      local counted = thread:get("statuses")
      if counted then
         for status, n in pairs(counted) do
            totals[status] = (totals[status] or 0) + n
         end
      end
   end
   local codes = {}
   for status, n in pairs(totals) do
      codes[#codes + 1] = string.format('"%d": %d', status, n)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"min": %d, "mean": %.1f, "stdev": %.1f, "max": %d, ' ..
      '"p50": %d, "p75": %d, "p90": %d, "p95": %d, "p99": %d, "p99.9": %d}, ' ..
      '"statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(75), latency:percentile(90),
      latency:percentile(95), latency:percentile(99), latency:percentile(99.9),
      table.concat(codes, ", ")))
end
