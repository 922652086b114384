-- wrk script: GET /api/search with a rotating set of Chinese and English queries
-- (or the queries in the file named by QUERIES_FILE, one a line; SCOPE= adds &in=).
local queries = {
  "新能源汽车", "氢能", "半导体 产能", "白酒", "美联储", "市盈率", "储能", "光伏", "晶圆代工",
  "消费复苏", "电解水制氢", "银行 息差", "出口", "军工电子", "利率", "锂电池", "PEM", "GDP", "CPI", "EIA",
}
local path = os.getenv("QUERIES_FILE")
if path and #path > 0 then
  local file = io.open(path, "r")
  if file then
    queries = {}
    for line in file:lines() do if #line > 0 then queries[#queries + 1] = line end end
    file:close()
  end
end
local scope = os.getenv("SCOPE")
local suffix = "&limit=10" .. ((scope and #scope > 0) and ("&in=" .. scope) or "")
local encoded = {}
for i, q in ipairs(queries) do
  encoded[i] = q:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end)
end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/search?q=" .. encoded[(counter % #encoded) + 1] .. suffix)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d errors_connect=%d errors_read=%d errors_timeout=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
