-- wrk script of the soak (bench/soak/run.py): a mix of what readers do, over real topic words and
-- real report ids. Out of 20 requests: 9 searches (/api/search, then and now a second page or the
-- paragraph scope), 2 search pages (/search), 4 preview pages (/reports/ID), 2 report lists
-- (/api/reports at varying offsets), 2 full report JSON (/api/reports/ID, with the API token in
-- TOKEN), 1 preview JSON. QUERIES_FILE: one query a line; IDS: one report id a line (required).
local function lines(path)
  local out = {}
  local file = assert(io.open(assert(path, "missing env"), "r"))
  for line in file:lines() do if #line > 0 then out[#out + 1] = line end end
  file:close()
  return out
end
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local queries, ids = {}, lines(os.getenv("IDS"))
for i, q in ipairs(lines(os.getenv("QUERIES_FILE"))) do queries[i] = encode(q) end
local auth = { Authorization = "Bearer " .. (os.getenv("TOKEN") or "") }
local counter = 0
request = function()
  counter = counter + 1
  local k = counter % 20
  local q = queries[(counter % #queries) + 1]
  local id = ids[((counter * 7) % #ids) + 1]
  local path
  if k < 6 then path = "/api/search?q=" .. q .. "&limit=10"
  elseif k < 8 then path = "/api/search?q=" .. q .. "&limit=10&offset=10"
  elseif k < 9 then path = "/api/search?q=" .. q .. "&in=paragraphs"
  elseif k < 11 then path = "/search?q=" .. q
  elseif k < 15 then path = "/reports/" .. id
  elseif k < 17 then path = "/api/reports?offset=" .. ((counter * 13) % #ids) .. "&limit=20"
  elseif k < 19 then return wrk.format("GET", "/api/reports/" .. id, auth)
  else path = "/api/reports/" .. id .. "/preview" end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
