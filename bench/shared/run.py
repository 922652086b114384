#!/usr/bin/env python3
"""The shared store measured on one machine: PostgreSQL + yanbao workers + two yanbao serve nodes.

usage: bench/shared/run.py PATH/TO/yanbao REPORTS_DIR [--admin URL] [--duration 10] [--lag-samples 20]

REPORTS_DIR holds Markdown reports (bench/scale/gen.py makes them from real report text). Each step
runs against a fresh database on the server at --admin (default $YANBAO_TEST_POSTGRES, else
postgres://postgres@127.0.0.1:5432/postgres):

  1. ingest with one worker: `yanbao enqueue DIR`, then one `yanbao worker --until-empty`
     (wall seconds, reports/s);
  2. the same into a second fresh database with two workers at once;
  3. store bytes per report on PostgreSQL (pg_database_size and the largest tables);
  4. replica lag: a node serves; a third process ingests one new report at a time with
     `yanbao ingest --db`; the time from that command's end until the node's search finds the
     report's own word (median and max of --lag-samples);
  5. search over two nodes: wrk (one thread, 16 connections each, the qznan topic queries) on both
     nodes at once; req/s of each and their sum, p99.

Prints one RESULT line per figure. The machine is shared and noisy: run it idle, read medians."""
import argparse, json, os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument('binary'); p.add_argument('reports')
p.add_argument('--admin', default=os.environ.get('YANBAO_TEST_POSTGRES') or 'postgres://postgres@127.0.0.1:5432/postgres')
p.add_argument('--duration', type=int, default=10)
p.add_argument('--lag-samples', type=int, default=20)
args = p.parse_args()
binary = os.path.abspath(args.binary)
base = args.admin.rsplit('/', 1)[0]
work = tempfile.mkdtemp(prefix='yanbao-shared-bench-')


def psql(db, sql):
    return subprocess.run(['psql', f'{base}/{db}', '-Atc', sql], check=True, capture_output=True, text=True).stdout.strip()


def fresh(name):
    psql('postgres', f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
    psql('postgres', f'CREATE DATABASE {name}')
    return f'{base}/{name}'


def yanbao(url, data, *rest, **kw):
    return subprocess.run([binary, '--db', url, '--data', os.path.join(work, data), *rest], check=True, capture_output=True, text=True, **kw)


def result(name, value, unit=''):
    print(f'RESULT {name}\t{value}\t{unit}', flush=True)


reports = sorted(f for f in os.listdir(args.reports) if f.endswith(('.md', '.txt')))
source_bytes = sum(os.path.getsize(os.path.join(args.reports, f)) for f in reports)
print(f'{len(reports)} reports, {source_bytes / 1e6:.1f} MB of sources; load average {open("/proc/loadavg").read().split()[:3]}', flush=True)

# 1 and 2: ingest throughput with one and two workers.
for workers in (1, 2):
    url = fresh(f'yb_bench_w{workers}')
    yanbao(url, f'enq{workers}', 'enqueue', args.reports)
    started = time.time()
    procs = [subprocess.Popen([binary, '--db', url, '--data', os.path.join(work, f'w{workers}_{k}'), 'worker', '--until-empty', '--name', f'w{k}'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for k in range(workers)]
    for proc in procs:
        proc.wait()
    wall = time.time() - started
    counts = json.loads(yanbao(url, f'enq{workers}', '--json', 'jobs', '--limit', '0').stdout)['counts']
    result(f'ingest_{workers}_worker_reports_per_s', f'{counts.get("done", 0) / wall:.1f}', f'reports/s ({counts}; {wall:.1f} s wall)')

# 3: bytes per report on PostgreSQL (the two-worker database, jobs done).
stored = int(psql('yb_bench_w2', 'SELECT COUNT(*) FROM reports'))
psql('yb_bench_w2', 'VACUUM')  # the queue's copies of done jobs' bytes are deleted rows until vacuumed
size = int(psql('yb_bench_w2', 'SELECT pg_database_size(current_database())'))
result('pg_bytes_per_report', f'{size / stored:.0f}', f'bytes ({size / 1e6:.1f} MB for {stored} reports; sources {source_bytes / 1e6:.1f} MB, ratio {size / source_bytes:.2f})')
tables = psql('yb_bench_w2', "SELECT relname || '=' || pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 6")
result('pg_largest_tables', ' '.join(f'{t.split("=")[0]}={int(t.split("=")[1]) / 1e6:.1f}MB' for t in tables.split()))


def start_node(url, data, port):
    proc = subprocess.Popen([binary, '--db', url, '--data', os.path.join(work, data), 'serve', '--addr', f'127.0.0.1:{port}'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=1)
            return proc
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f'node on port {port} did not start')


def found(port, word):
    q = urllib.parse.urlencode({'q': word, 'in': 'paragraphs', 'limit': 1})
    return json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/api/search?{q}'))['total'] > 0


# 4: replica lag, on the two-worker database.
node_a = start_node(url, 'node_a', 18291)
node_b = start_node(url, 'node_b', 18292)
lags = []
words = ['量子纠缠', '钙钛矿', '固态电池', '合成生物', '脑机接口', '低空经济', '人形机器人', '液冷服务器', '铜缆高速', '玻璃基板']
for k in range(args.lag_samples):
    word = f'{words[k % len(words)]}{k}号'
    path = os.path.join(work, f'lag{k}.md')
    with open(path, 'w') as f:
        f.write(f'# 延迟测量 {k}\n\n本报告讨论{word}的产业进展与投资机会，第{k}次测量。\n\n{word}相关公司的订单持续增长。\n')
    yanbao(url, 'lag_writer', 'ingest', path)
    t0 = time.time()
    while not (found(18291, word) and found(18292, word)):
        time.sleep(0.005)
        if time.time() - t0 > 30:
            raise SystemExit('a node never saw the report')
    lags.append(time.time() - t0)
result('replica_lag_median_s', f'{statistics.median(lags):.3f}', f's (max {max(lags):.3f}, {len(lags)} samples, both nodes)')

# 5: search over two nodes at once.
if shutil.which('wrk'):
    queries = os.path.join(here, '../load/qznan-queries.txt')
    env = dict(os.environ, QUERIES_FILE=queries)
    def wrk(port):
        return subprocess.Popen(['wrk', '-t1', '-c16', f'-d{args.duration}s', '--latency', '-s', os.path.join(here, '../load/search.lua'), f'http://127.0.0.1:{port}'],
                                stdout=subprocess.PIPE, text=True, env=env)
    for warm in (wrk(18291), wrk(18292)):
        warm.communicate()
    runs = [wrk(18291), wrk(18292)]
    outs = [r.communicate()[0] for r in runs]
    rates = [float(re.search(r'Requests/sec:\s+([\d.]+)', o).group(1)) for o in outs]
    p99s = [re.search(r'99%\s+([\d.]+\w+)', o).group(1) for o in outs]
    result('search_two_nodes_req_per_s', f'{sum(rates):.0f}', f'req/s (node a {rates[0]:.0f}, node b {rates[1]:.0f}; p99 {p99s[0]} / {p99s[1]}; 16 connections each)')
else:
    print('skip: wrk is missing (apt-get install -y wrk)')
for node in (node_a, node_b):
    node.terminate(); node.wait()
shutil.rmtree(work, ignore_errors=True)
