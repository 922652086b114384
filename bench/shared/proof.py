#!/usr/bin/env python3
"""Proof on one machine that a shared library loses nothing: PostgreSQL + two `yanbao worker` + two
`yanbao serve` nodes, each a separate process on loopback.

usage: bench/shared/proof.py PATH/TO/yanbao [--corpus ../shared/corpus] [--synthetic 2000] [--admin URL]

  1. enqueue the visible corpus (its PDFs and Markdown/text reports) and N synthetic reports made
     from real report text (bench/scale/gen.py), plus three bad files (empty, binary junk, a
     truncated PDF) into a fresh database;
  2. start two workers and two nodes; once a third of the jobs are done, kill -9 one worker and
     one node, and start them again;
  3. when the queue is empty: the store's report count equals the distinct inputs that are
     reports (each file's bytes once, bad files excepted), every done job's report is stored,
     no report is stored twice, each bad file cost exactly one failed job, and both nodes answer
     a set of searches identically (after catching up).

Exits non-zero on any difference; prints PROOF lines with the figures."""
import argparse, hashlib, json, os, shutil, subprocess, sys, tempfile, time, urllib.parse, urllib.request

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
import benchlib  # noqa: E402
p = argparse.ArgumentParser()
p.add_argument('binary')
p.add_argument('--corpus', default=os.path.join(here, '../../../shared/corpus'))
p.add_argument('--synthetic', type=int, default=2000)
p.add_argument('--admin', default=os.environ.get('YANBAO_TEST_POSTGRES') or 'postgres://postgres@127.0.0.1:5432/postgres')
args = p.parse_args()
binary = os.path.abspath(args.binary)
work = tempfile.mkdtemp(prefix='yanbao-proof-')
db = benchlib.ScratchDb(args.admin, 'yb_proof')
db_name, url, psql = db.name, db.url, db.psql


def yanbao(*rest):
    return subprocess.run([binary, '--db', url, *rest], check=True, capture_output=True, text=True)


def fail(message):
    print(f'PROOF FAILED: {message}', flush=True)
    sys.exit(1)


# 1. Inputs: the visible corpus, synthetic reports, bad files.
inputs = os.path.join(work, 'in')
os.makedirs(inputs)
corpus_files = [f for f in benchlib.corpus_files(args.corpus) if f.lower().endswith(('.pdf', '.md', '.txt'))]
if not corpus_files:
    print(f'note: no corpus at {args.corpus}; synthetic reports only')
synthetic = os.path.join(work, 'synthetic')
benchlib.synthetic_reports(synthetic, args.synthetic, shared=os.path.join(args.corpus, '..'))
bad = benchlib.write_bad_files(inputs)
paths = corpus_files + ([synthetic] if args.synthetic else []) + [inputs]
yanbao('enqueue', *paths)
every = corpus_files + [os.path.join(synthetic, f) for f in (os.listdir(synthetic) if args.synthetic else [])]
digests = {hashlib.sha256(open(f, 'rb').read()).hexdigest() for f in every}
counts = json.loads(yanbao('--json', 'jobs', '--limit', '0').stdout)['counts']
total_jobs = sum(counts.values())
print(f'PROOF enqueued {total_jobs} jobs: {len(corpus_files)} corpus files, {args.synthetic} synthetic, {len(bad)} bad; {len(digests)} distinct good inputs', flush=True)


def worker(name):
    return subprocess.Popen([binary, '--db', url, 'worker', '--lease', '10', '--name', name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def node(name, port):
    proc = subprocess.Popen([binary, '--db', url, '--data', os.path.join(work, name), 'serve', '--addr', f'127.0.0.1:{port}'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not benchlib.wait_http(f'http://127.0.0.1:{port}/healthz', proc):
        fail(f'node {name} exited or did not start')
    return proc


def jobs():
    return json.loads(yanbao('--json', 'jobs', '--limit', '0').stdout)['counts']


# 2. Two workers, two nodes; kill -9 one of each a third of the way, start them again.
started = time.time()
workers = [worker('w1'), worker('w2')]
nodes = {'a': node('node_a', 18391), 'b': node('node_b', 18392)}
while jobs().get('done', 0) + jobs().get('failed', 0) < total_jobs // 3:
    time.sleep(0.5)
workers[0].kill(); workers[0].wait()
nodes['b'].kill(); nodes['b'].wait()
print(f'PROOF killed worker w1 and node b (SIGKILL) at {jobs()}', flush=True)
time.sleep(2)
workers[0] = worker('w1-restarted')
nodes['b'] = node('node_b', 18392)
while True:
    c = jobs()
    if not c.get('queued') and not c.get('running'):
        break
    time.sleep(1)
wall = time.time() - started
for w in workers:
    w.terminate(); w.wait()

# 3. Checks.
c = jobs()
stats = {'reports': int(psql(db_name, 'SELECT COUNT(*) FROM reports')), 'duplicates': int(psql(db_name, 'SELECT COUNT(*) FROM reports WHERE duplicate_of IS NOT NULL'))}
done_reports = set(psql(db_name, "SELECT DISTINCT report_id FROM jobs WHERE state = 'done'").split())
failed = psql(db_name, "SELECT name || ' :: ' || error FROM jobs WHERE state = 'failed' ORDER BY id").splitlines()
stored = set(psql(db_name, 'SELECT id FROM reports').split())
print(f'PROOF {stats["reports"]} reports stored ({stats["duplicates"]} marked as other files of a stored report), jobs {c}, {wall:.0f} s wall', flush=True)
for line in failed:
    print(f'PROOF failed job: {line}')
bad_failed = [line for line in failed if any(line.split(' :: ')[0].endswith(name) for name in bad)]
if len(bad_failed) != len(bad):
    fail(f'each bad file should cost one failed job: {bad_failed}')
good_failed = len(failed) - len(bad_failed)
if not done_reports <= stored:
    fail(f'{len(done_reports - stored)} done jobs point at reports not stored')
if len(stored) != len(digests) - good_failed:
    fail(f'{len(stored)} reports stored for {len(digests)} distinct good inputs ({good_failed} of them failed)')
if int(psql(db_name, 'SELECT COUNT(*) FROM reports')) != len(stored):
    fail('a report is stored twice')
queries = ['半导体', '新能源汽车', '血制品 批签发', '美联储', '光伏', '医疗器械', 'CPI', '晶圆代工', '白酒', '储能']


def search(port, q):
    qs = urllib.parse.urlencode({'q': q, 'limit': 20})
    body = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/api/search?{qs}'))
    return [(h['report_id'], h.get('block')) for h in body['hits']], body['total_reports']


def lag(port):
    for line in urllib.request.urlopen(f'http://127.0.0.1:{port}/metrics').read().decode().splitlines():
        if line.startswith('yanbao_replica_lag_changes '):
            return float(line.split()[1])
    return None


# Both replicas caught up (their lag, as /metrics reads it, is 0), then the same searches.
deadline = time.time() + 60
while time.time() < deadline and not (lag(18391) == 0 and lag(18392) == 0):
    time.sleep(0.5)
print(f'PROOF replica lag at the end: node a {lag(18391)}, node b {lag(18392)} changes', flush=True)
differ = [q for q in queries if search(18391, q) != search(18392, q)]
for n in nodes.values():
    n.terminate(); n.wait()
if differ:
    fail(f'nodes answer differently for {differ}')
print(f'PROOF both nodes answer {len(queries)} searches identically; {len(stored)} reports = {len(digests)} distinct inputs - {good_failed} failed good files', flush=True)
db.drop()
shutil.rmtree(work, ignore_errors=True)
print('PROOF OK')
