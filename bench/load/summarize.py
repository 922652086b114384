#!/usr/bin/env python3
"""Summarises bench/load/wrk.sh output (RESULT lines, possibly several runs each): median req/s, p50,
p99 and server CPU per request for each endpoint and connection count.
usage: summarize.py WRK_OUTPUT.txt [...]"""
import re, statistics, sys

def main():
    rows = {}
    for path in sys.argv[1:]:
        for line in open(path, encoding='utf-8'):
            m = re.match(r'(\w+) c=(\d+) run=(\d+) RESULT (.*)', line.strip())
            if not m:
                continue
            fields = dict(kv.split('=', 1) for kv in m.group(4).split() if '=' in kv)
            rows.setdefault((path, m.group(1), int(m.group(2))), []).append(fields)
    print('| run | endpoint | connections | runs | req/s (median) | p50 ms | p99 ms (median) | errors | server CPU ms/request |')
    print('|---|---|---|---|---|---|---|---|---|')
    for (path, name, c), runs in rows.items():
        med = lambda k: statistics.median(float(r[k]) for r in runs) if all(k in r for r in runs) else float('nan')
        errors = sum(int(r[k]) for r in runs for k in ('errors_status', 'errors_connect', 'errors_read', 'errors_timeout'))
        print('| %s | %s | %d | %d | %.0f | %.1f | %.1f | %d | %.2f |' % (path.rsplit('/', 1)[-1], name, c, len(runs), med('rps'), med('p50_ms'),
                                                                     med('p99_ms'), errors, med('server_cpu_ms_per_req')))

if __name__ == '__main__':
    if len(sys.argv) < 2:
        print(__doc__); sys.exit(2)
    main()
