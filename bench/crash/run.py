#!/usr/bin/env python3
"""Crash loops: kill -9 yanbao at random moments of a batch of real reports, restart it, and check
that a killed process loses nothing (issue 13, docs/RELIABILITY.md "A killed process loses nothing").

usage: bench/crash/run.py PATH/TO/yanbao [--rounds 20] [--seed S] [--db-url URL] [--corpus DIR]
                          [--quick] [--only ingest,worker,server] [--synthetic N]

The batch: the visible corpus (../shared/corpus: its PDFs and Markdown/text reports), the bundled
samples, N synthetic reports made from real report text (bench/scale/gen.py; without ../shared,
the samples' paragraphs recombined) and three bad files. A clean one-shot `yanbao ingest` of it
into a folder of its own is the reference. Then:

  ingest  `yanbao ingest BATCH` started, SIGKILLed after a random delay (drawn so the kills land
          across the whole batch, PDF parsing in the worker child processes included) — most
          rounds the whole process group, some only the parent (its PDF workers must not outlive
          it) — and started again, --rounds times, then once more uninterrupted;
  worker  (PostgreSQL: --db-url or YANBAO_TEST_POSTGRES) the batch enqueued in a fresh database,
          two `yanbao worker`s started, SIGKILLed (both, one, or one's parent alone) and restarted,
          --rounds times, then left to empty the queue;
  server  `yanbao serve` on an embedded library, searched and previewed by two reader threads
          while two threads upload the batch (POST /api/reports), SIGKILLed mid-upload and
          restarted, --rounds times, then left to take the rest.

After every kill, before the restart: the command that opens the library exits 0 (no panic, no
stale lock) and its store and index agree (`--json stats`: indexed = reports - copies); every
stored report reads and parses (`export`) and is whole (identical to the reference's report of
the same id, bar its file name and copy mark); every report stored in an earlier round is still
there, identical. At the end: the batch completes, and the library holds exactly the reference's
reports (same ids); for the worker, every job is done or failed with a reason; for the server,
every upload answered 2xx is stored, and one cut off is absent or whole.

Prints a CRASH line per round and a summary; exits 1 with the reason at the first violation.
--quick (5 rounds each, a small batch) is what scripts/test.sh runs."""
import argparse, json, os, random, shutil, signal, subprocess, sys, tempfile, threading, time, urllib.parse, urllib.request, uuid

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
import benchlib  # noqa: E402

p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
p.add_argument('binary')
p.add_argument('--rounds', type=int, default=None, help='kills per part (default 20, --quick 5)')
p.add_argument('--seed', default='random', help='random seed (default `random`: a new one, printed)')
p.add_argument('--db-url', default=os.environ.get('YANBAO_TEST_POSTGRES') or None,
               help='a PostgreSQL server for the worker part (a URL of a database that exists)')
p.add_argument('--corpus', default=os.path.join(here, '../../../shared/corpus'))
p.add_argument('--quick', action='store_true', help='5 rounds each, a small batch (CI)')
p.add_argument('--only', default='ingest,worker,server')
p.add_argument('--synthetic', type=int, default=None, help='synthetic reports in the batch (default 300, --quick 30)')
p.add_argument('--keep', action='store_true', help='keep the work folder')
args = p.parse_args()
binary = os.path.abspath(args.binary)
rounds = args.rounds if args.rounds is not None else (5 if args.quick else 20)
seed = random.randrange(1 << 30) if args.seed == 'random' else int(args.seed)
rng = random.Random(seed)
parts = [x for x in args.only.split(',') if x]
work = tempfile.mkdtemp(prefix='yanbao-crash-')
started_all = time.time()
summary = []


def log(line):
    print(f'CRASH {line}', flush=True)


databases = []  # scratch PostgreSQL databases, dropped at the end (kept on a failure with --keep)


def fail(message):
    print(f'CRASH FAILED (seed {seed}): {message}', flush=True)
    print(f'CRASH the work folder is kept: {work}', flush=True)
    for db in databases:
        if args.keep:
            print(f'CRASH the database is kept: {db.url}', flush=True)
        else:
            db.drop()
    sys.exit(1)


def run(*rest, data=None, db=None, timeout=600, check=True):
    cmd = [binary] + (['--data', data] if data else []) + (['--db', db] if db else []) + list(rest)
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail(f'`{" ".join(rest)}` did not end within {timeout} s (a stale lock?)')
    if check and out.returncode != 0:
        fail(f'`{" ".join(rest)}` exited {out.returncode} after a kill: {out.stderr.strip()[-2000:]}')
    return out


def start(*rest, data=None, db=None, logname):
    """Starts a yanbao process in a process group of its own (its PDF workers are in it too)."""
    cmd = [binary] + (['--data', data] if data else []) + (['--db', db] if db else []) + list(rest)
    out = open(os.path.join(work, logname), 'ab')
    return subprocess.Popen(cmd, stdout=out, stderr=out, start_new_session=True)


def group_members(pgid):
    """Live processes of a process group (zombies excepted), with their command lines."""
    members = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/stat') as f:
                stat = f.read()
            fields = stat[stat.rindex(')') + 2:].split()
            if int(fields[2]) == pgid and fields[0] != 'Z':
                with open(f'/proc/{pid}/cmdline', 'rb') as f:
                    members.append((int(pid), f.read().replace(b'\0', b' ').decode(errors='replace').strip()))
        except (OSError, ValueError):
            continue
    return members


def kill(proc, whole_group):
    """SIGKILLs `proc` (its whole process group, or the parent alone); returns how many PDF workers
    were parsing at that moment. Children that outlive a parent killed alone are a violation."""
    parsing = sum(1 for _, cmd in group_members(proc.pid) if ' pdf-worker ' in f'{cmd} ')
    if whole_group:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return parsing
    proc.kill()
    proc.wait()
    # A PDF worker dies with its parent at once (the kernel's parent-death signal); half a second
    # is time enough for that and shorter than a parse.
    deadline = time.time() + 0.5
    while group_members(proc.pid) and time.time() < deadline:
        time.sleep(0.05)
    left = group_members(proc.pid)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
        fail(f'{len(left)} child process(es) outlived their killed parent by 0.5 s: {left}')
    return parsing


def normal(report):
    """A report's JSON without what depends on how and when it arrived: its file name, its copy
    mark, and which of the names it mentions are listed companies (recognised with the registry the
    library had learned from the reports stored before it: the order of storing, not a kill, decides
    whether 中芯国际 is an organisation or company 688981). The places and people it names stay."""
    report = dict(report)
    report.pop('duplicate_of', None)
    report['entities'] = sorted((e['name'], e['mentions']) for e in report.get('entities', []) if e.get('kind') in ('person', 'place'))
    report['source'] = {k: v for k, v in report.get('source', {}).items() if k != 'path'}
    return json.dumps(report, sort_keys=True, ensure_ascii=False)


def library(data=None, db=None, what=''):
    """Opens the library as a restarted process would: store and index agree, every report reads
    and parses. Returns {id: normalised JSON}."""
    out = run('--json', 'stats', data=data, db=db)
    try:
        stats = json.loads(out.stdout)
    except ValueError:
        fail(f'{what}: `stats --json` printed no JSON: {out.stdout[:500]}')
    reports, copies, indexed = stats['reports'], stats.get('duplicates', 0), stats['indexed_reports']
    if indexed != reports - copies:
        fail(f'{what}: store and index disagree: {reports} reports, {copies} copies, {indexed} indexed')
    target = os.path.join(work, 'export.jsonl')
    run('export', '--output', target, data=data, db=db)
    stored = {}
    with open(target, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            try:
                report = json.loads(line)
            except ValueError as e:
                fail(f'{what}: exported report {n} does not parse ({e}): {line[:200]}')
            if report.get('id') in stored:
                fail(f'{what}: report {report.get("id")} exported twice')
            stored[report['id']] = normal(report)
    if len(stored) != reports:
        fail(f'{what}: stats counts {reports} reports, export wrote {len(stored)}')
    return stored


def check_round(stored, seen, reference, what):
    """Every stored report is whole (the reference's, exactly); every one seen before is still here."""
    for rid, body in stored.items():
        if rid not in reference:
            fail(f'{what}: report {rid} is stored but the clean ingest has no such report')
        if body != reference[rid]:
            got, want = json.loads(body), json.loads(reference[rid])
            fields = [k for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
            shown = '\n'.join(f'  {k}: got  {json.dumps(got.get(k), ensure_ascii=False)[:400]}\n  {k}: want {json.dumps(want.get(k), ensure_ascii=False)[:400]}' for k in fields)
            fail(f'{what}: report {rid} is not whole: it differs from the clean ingest\'s in {fields}\n{shown}')
    lost = [rid for rid in seen if rid not in stored]
    if lost:
        fail(f'{what}: {len(lost)} report(s) stored before are gone: {lost[:5]}')
    changed = [rid for rid in seen if stored[rid] != seen[rid]]
    if changed:
        fail(f'{what}: {len(changed)} report(s) stored before changed: {changed[:5]}')
    seen.update(stored)


def check_end(part, seen, reference, data, db=None):
    """After the last, uninterrupted run: every report whole, none lost, and exactly the clean ingest's."""
    what = f'{part}, the end'
    stored = library(data=data, db=db, what=what)
    check_round(stored, seen, reference, what)
    if set(stored) != set(reference):
        fail(f'{part}: the batch ends with {len(stored)} reports, the clean ingest has {len(reference)}: '
             f'missing {sorted(set(reference) - set(stored))[:5]}, extra {sorted(set(stored) - set(reference))[:5]}')
    return stored


# The batch.
batch = os.path.join(work, 'batch')
corpus = benchlib.corpus_files(args.corpus)
if args.quick:
    # A few PDFs of the corpus (the smallest with a text layer) and its Markdown ground truths.
    pdfs = sorted((f for f in corpus if f.endswith('.pdf')), key=os.path.getsize)[:6]
    corpus = pdfs + [f for f in corpus if '/mpb/' in f][:10]
if not corpus:
    print(f'note: no corpus at {args.corpus}; the bundled samples and generated text only', flush=True)
for i, f in enumerate(corpus + benchlib.sample_files()):
    folder = os.path.join(batch, 'corpus' if i < len(corpus) else 'samples')
    os.makedirs(folder, exist_ok=True)
    shutil.copy(f, os.path.join(folder, f'{i:03d}_{os.path.basename(f)}'))
n_synthetic = args.synthetic if args.synthetic is not None else (30 if args.quick else 300)
shared = os.path.dirname(os.path.abspath(args.corpus))
benchlib.synthetic_reports(os.path.join(batch, 'synthetic'), n_synthetic, shared=shared, seed=seed % 1000)
bad = benchlib.write_bad_files(os.path.join(batch, 'bad'))
files = sorted(os.path.join(root, n) for root, _, names in os.walk(batch) for n in names)
ids = {}
for f in files:
    with open(f, 'rb') as fh:
        ids[f] = benchlib.report_id(fh.read())
log(f'seed {seed}; batch of {len(files)} files ({len(corpus)} corpus, {len(benchlib.sample_files())} samples, '
    f'{n_synthetic} synthetic, {len(bad)} bad; {sum(f.endswith(".pdf") for f in files)} PDFs), {len(set(ids.values()))} distinct')

# The reference: one clean, uninterrupted ingest.
t0 = time.time()
ref_dir = os.path.join(work, 'reference')
run('--json', 'ingest', batch, data=ref_dir, check=False)
clean_seconds = time.time() - t0
reference = library(data=ref_dir, what='the clean ingest')
log(f'clean ingest: {len(reference)} reports in {clean_seconds:.1f} s')
if not reference:
    fail('the clean ingest stored nothing')


def kill_delay(seen, rounds_left):
    """A random moment to kill at: on average the clean ingest's time for an equal share of what
    is left to store among the rounds left, so the kills land across the whole batch (the early
    ones on a start: reconciling, skipping what is stored)."""
    left = max(0.05, 1 - len(seen) / len(reference))
    return rng.uniform(0, 2 * clean_seconds * left / rounds_left)


def ingest_part():
    data = os.path.join(work, 'ingest')
    seen, kills, parsing_kills, parent_only, finished_early = {}, 0, 0, 0, 0
    t = time.time()
    for r in range(1, rounds + 1):
        proc = start('--json', 'ingest', batch, data=data, logname='ingest.log')
        delay = kill_delay(seen, rounds - r + 1)
        whole = rng.random() >= 0.25
        deadline = time.time() + delay
        while time.time() < deadline and proc.poll() is None:
            time.sleep(0.01)
        if proc.poll() is not None:
            finished_early += 1
            how = f'finished (exit {proc.returncode}) before the kill'
            if proc.returncode not in (0, 1):
                fail(f'ingest round {r}: exited {proc.returncode} (see {work}/ingest.log)')
        else:
            parsing = kill(proc, whole)
            kills += 1
            parsing_kills += parsing > 0
            parent_only += not whole
            how = f'killed {"the group" if whole else "the parent alone"} at {delay:.2f} s, {parsing} PDF worker(s) parsing'
        stored = library(data=data, what=f'ingest round {r}')
        check_round(stored, seen, reference, f'ingest round {r}')
        log(f'ingest round {r}/{rounds}: {how}; {len(stored)}/{len(reference)} reports stored, store and index agree, all whole')
    out = run('--json', 'ingest', batch, data=data, check=False)
    if out.returncode not in (0, 1) or any(l.startswith('error:') for l in out.stderr.splitlines()):
        fail(f'the last, uninterrupted ingest did not complete the batch: exit {out.returncode}: {out.stderr[-2000:]}')
    stored = check_end('ingest', seen, reference, data)
    took = time.time() - t
    log(f'ingest OK: {rounds} rounds, {kills} kills ({parent_only} of the parent alone, {parsing_kills} during PDF parsing), '
        f'{finished_early} finished first; {len(stored)} reports = the clean ingest\'s; {took:.0f} s')
    summary.append(f'ingest: {rounds} rounds, {kills} kills ({parent_only} parent alone, {parsing_kills} mid-PDF), {len(stored)} reports, {took:.0f} s')


def worker_part():
    if not args.db_url:
        log('worker part skipped: no PostgreSQL (--db-url or YANBAO_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/postgres)')
        summary.append('worker: skipped (no PostgreSQL)')
        return
    db = benchlib.ScratchDb(args.db_url, f'yb_crash_{os.getpid()}')
    databases.append(db)
    data = os.path.join(work, 'replica')
    run('enqueue', batch, db=db.url)
    total = sum(json.loads(run('--json', 'jobs', '--limit', '0', db=db.url).stdout)['counts'].values())
    seen, kills, parsing_kills, parent_only = {}, 0, 0, 0
    t = time.time()
    workers = []
    for r in range(1, rounds + 1):
        workers = [start('worker', '--lease', '3', '--name', f'w{r}.{k}', db=db.url, logname='worker.log') for k in (1, 2)]
        delay = kill_delay(seen, rounds - r + 1)
        time.sleep(delay)
        kind = rng.choice(['both', 'both', 'one', 'parent'])
        victims = workers if kind == 'both' else workers[:1]
        parsing = sum(kill(w, kind != 'parent') for w in victims)
        kills += len(victims)
        parsing_kills += parsing > 0
        parent_only += kind == 'parent'
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
                w.wait()
        stored = library(data=data, db=db.url, what=f'worker round {r}')
        check_round(stored, seen, reference, f'worker round {r}')
        counts = json.loads(run('--json', 'jobs', '--limit', '0', db=db.url).stdout)['counts']
        log(f'worker round {r}/{rounds}: killed {kind} at {delay:.2f} s, {parsing} PDF worker(s) parsing; jobs {counts}; '
            f'{len(stored)} reports stored, whole, the replica agrees')
    # The rest, uninterrupted: two workers until no job is queued or running (a killed worker's
    # job comes back when its lease runs out).
    workers = [start('worker', '--lease', '3', '--name', f'final.{k}', db=db.url, logname='worker.log') for k in (1, 2)]
    deadline = time.time() + max(600, 10 * clean_seconds)
    while True:
        counts = json.loads(run('--json', 'jobs', '--limit', '0', db=db.url).stdout)['counts']
        if not counts.get('queued') and not counts.get('running'):
            break
        if time.time() > deadline or all(w.poll() is not None for w in workers):
            fail(f'worker: the queue did not empty: {counts}')
        time.sleep(0.5)
    for w in workers:
        os.killpg(w.pid, signal.SIGTERM)
        w.wait()
    def failed_jobs():
        rows = db.query("SELECT id || E'\\t' || name || E'\\t' || replace(COALESCE(error, ''), E'\\n', ' ') FROM jobs WHERE state = 'failed' ORDER BY id")
        return [tuple(line.split('\t', 2)) for line in rows.splitlines() if line]

    by_name = {os.path.basename(f): ids[f] for f in files}
    failed = failed_jobs()
    without_reason = [name for _, name, error in failed if not error.strip()]
    if without_reason:
        fail(f'worker: failed jobs without a reason: {without_reason}')
    other = {s for s in counts if s not in ('done', 'failed')}
    if other:
        fail(f'worker: jobs neither done nor failed: {counts}')
    # A file whose workers were killed under it three times is failed on purpose (a file that
    # kills workers must not take the queue down); the kills here were ours, so it is retried, and
    # must then be stored. Any other good file failed is a loss.
    stopped = [(job, name, error) for job, name, error in failed if by_name.get(os.path.basename(name)) in reference]
    for job, name, error in stopped:
        log(f'worker: a good file was failed: {name}: {error}')
        if 'a worker stopped while ingesting it' not in error:
            fail(f'worker: {name}, a report the clean ingest stores, failed: {error}')
        run('jobs', 'retry', job, db=db.url)
    if stopped:
        run('worker', '--until-empty', '--lease', '3', '--name', 'retry', db=db.url, timeout=max(600, 10 * clean_seconds))
        counts = json.loads(run('--json', 'jobs', '--limit', '0', db=db.url).stdout)['counts']
        log(f'worker: {len(stopped)} job(s) retried: jobs {counts}')
    still = [name for _, name, _ in failed_jobs() if by_name.get(os.path.basename(name)) in reference]
    if still:
        fail(f'worker: good files failed again when retried: {still}')
    stored = check_end('worker', seen, reference, data, db=db.url)
    took = time.time() - t
    log(f'worker OK: {rounds} rounds, {kills} worker kills ({parent_only} of a parent alone, {parsing_kills} rounds mid-PDF); '
        f'{total} jobs: {counts}, {len(stopped)} retried; {len(stored)} reports = the clean ingest\'s; {took:.0f} s')
    summary.append(f'worker: {rounds} rounds, {kills} kills ({parent_only} parent alone, {parsing_kills} mid-PDF), {total} jobs, {len(stopped)} retried, {len(stored)} reports, {took:.0f} s')
    db.drop()


def multipart(path, data):
    boundary = uuid.uuid4().hex
    quoted = os.path.basename(path).replace('"', '%22')  # as a browser sends it: UTF-8, quotes escaped
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
            f'Content-Type: application/octet-stream\r\n\r\n').encode()
    return head + data + f'\r\n--{boundary}--\r\n'.encode(), f'multipart/form-data; boundary={boundary}'


def server_part():
    data = os.path.join(work, 'server')
    token_out = run('--json', 'token', 'create', 'crash', data=data)
    token = json.loads(token_out.stdout)['token']
    port = 18000 + os.getpid() % 2000
    base = f'http://127.0.0.1:{port}'
    seen, kills, cut_total, acked_total, reads = {}, 0, 0, 0, [0]
    acked = {}  # id -> file, uploads answered 2xx (stored, whatever happens after)
    loaded = [0.0, 0]  # seconds under upload, uploads answered
    queries = ['半导体', '新能源汽车', '美联储', '光伏', '白酒', 'CPI', 'revenue', '储能']
    t = time.time()

    def reader(stop):
        r = random.Random(rng.random())
        while not stop.is_set():
            try:
                if r.random() < 0.5 or not seen:
                    url = f'{base}/api/search?' + urllib.parse.urlencode({'q': r.choice(queries), 'limit': 10})
                else:
                    url = f'{base}/api/reports/{r.choice(sorted(seen))}/preview'
                urllib.request.urlopen(url, timeout=30).read()
                reads[0] += 1
            except Exception:
                time.sleep(0.05)

    def uploader(stop, queue, lock, outcomes):
        while not stop.is_set():
            with lock:
                if not queue:
                    return
                f = queue.pop()
            with open(f, 'rb') as fh:
                body, ctype = multipart(f, fh.read())
            req = urllib.request.Request(f'{base}/api/reports', data=body, method='POST',
                                         headers={'Content-Type': ctype, 'Authorization': f'Bearer {token}'})
            try:
                with urllib.request.urlopen(req, timeout=300) as resp:
                    outcomes.append((f, resp.status))
            except urllib.error.HTTPError as e:
                outcomes.append((f, e.code))
            except urllib.error.URLError as e:
                if isinstance(e.reason, ConnectionRefusedError):
                    return  # the server is down: this upload never began
                outcomes.append((f, None))  # cut off
            except Exception:
                outcomes.append((f, None))  # cut off

    def serve():
        proc = start('serve', '--addr', f'127.0.0.1:{port}', data=data, logname='server.log')
        if not benchlib.wait_http(f'{base}/healthz', proc):
            fail(f'server: it did not start again after a kill (see {work}/server.log)')
        return proc

    def load(queue, proc, delay):
        stop, lock, outcomes = threading.Event(), threading.Lock(), []
        threads = [threading.Thread(target=reader, args=(stop,)) for _ in range(2)]
        threads += [threading.Thread(target=uploader, args=(stop, queue, lock, outcomes)) for _ in range(2)]
        for th in threads:
            th.start()
        return stop, threads, outcomes

    remaining = lambda: [f for f in files if ids[f] not in acked]
    for r in range(1, rounds + 1):
        proc = serve()
        queue = remaining()
        rng.shuffle(queue)
        # Uploads (one commit each, under load) are slower than an ingest: the time the rounds so
        # far took per answered upload stands for the rate, so the kills reach the batch's end.
        per_upload = loaded[0] / max(1, loaded[1]) if loaded[1] >= 5 else clean_seconds / len(files)
        left = max(0.05, 1 - len(seen) / len(reference))
        to_go = per_upload * len(files) * left
        delay = rng.uniform(0.2, 0.2 + min(to_go, 2 * to_go / (rounds - r + 1)))
        stop, threads, outcomes = load(queue, proc, delay)
        deadline = time.time() + delay
        while time.time() < deadline and any(th.is_alive() for th in threads[2:]):
            time.sleep(0.01)
        parsing = kill(proc, True)
        kills += 1
        loaded[0] += delay
        loaded[1] += sum(1 for _, status in outcomes if status is not None)
        stop.set()
        for th in threads:
            th.join()
        stored = library(data=data, what=f'server round {r}')
        check_round(stored, seen, reference, f'server round {r}')
        cut = [f for f, status in outcomes if status is None]
        for f, status in outcomes:
            if status is not None and status >= 500:
                fail(f'server round {r}: upload of {f} answered {status}')
            if status in (200, 201):
                acked[ids[f]] = f
                if ids[f] not in stored:
                    fail(f'server round {r}: the upload of {f} was answered {status} but report {ids[f]} is not stored')
        cut_total += len(cut)
        acked_total += sum(1 for _, s in outcomes if s in (200, 201))
        stored_cut = sum(1 for f in cut if ids[f] in stored)
        log(f'server round {r}/{rounds}: killed at {delay:.2f} s, {parsing} PDF worker(s) parsing; {len(outcomes)} uploads answered or cut '
            f'({len(cut)} cut off: {stored_cut} stored whole, {len(cut) - stored_cut} absent); {len(stored)} reports stored, whole')
    proc = serve()
    queue = remaining()
    stop, threads, outcomes = load(queue, proc, 0)
    for th in threads[2:]:
        th.join()
    stop.set()
    for th in threads:
        th.join()
    proc.send_signal(signal.SIGTERM)
    proc.wait()
    for f, status in outcomes:
        if status is None or status >= 500:
            fail(f'server: the last, uninterrupted run answered {status} for {f}')
    stored = check_end('server', seen, reference, data)
    took = time.time() - t
    log(f'server OK: {rounds} rounds, {kills} kills mid-upload, {cut_total} uploads cut off, {reads[0]} searches/previews served; '
        f'{len(stored)} reports = the clean ingest\'s; {took:.0f} s')
    summary.append(f'server: {rounds} rounds, {kills} kills, {cut_total} uploads cut off, {len(stored)} reports, {took:.0f} s')


for part in parts:
    {'ingest': ingest_part, 'worker': worker_part, 'server': server_part}[part]()
log(f'OK seed {seed}, {len(files)} files, clean ingest {clean_seconds:.1f} s; ' + '; '.join(summary) + f'; {time.time() - started_all:.0f} s in all')
if not args.keep:
    shutil.rmtree(work, ignore_errors=True)
