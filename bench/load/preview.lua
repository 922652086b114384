-- wrk script: GET /reports/{id} (the preview page) over the report ids in ids.txt (one a line).
local ids = {}
local file = io.open(os.getenv("IDS") or "ids.txt", "r")
if file then
  for line in file:lines() do if #line > 0 then ids[#ids + 1] = line end end
  file:close()
end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/reports/" .. ids[(counter % #ids) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d errors_connect=%d errors_read=%d errors_timeout=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
