#!/usr/bin/env python3
"""Measures one library size for bench/scale/run.sh, or prints the table over sizes.

usage: measure.py run BIN SRC_DIR DATA_DIR OUT.json [--labels FILE] [--port 18282] [--rounds 5] [--cli-rounds 2]
                     [--skip ingest,cli,reindex] [--ingest-from EARLIER.json]
       measure.py table OUT1.json OUT2.json ...

run: ingests SRC_DIR into a new DATA_DIR (/usr/bin/time -v: wall, user+sys CPU, peak RSS), reads
`stats --json`, sizes the data folder (store = everything but index/, index = index/), checks the
same-report marks against the generator's labels (if given), serves the library and times from a
client on loopback (keep-alive):
  - the first query of each of the queries on a fresh server (scope paragraphs), then
  - GET /api/search?q=..&in=S&limit=10 for S in all, reports, paragraphs, figures, tables,
    events, ROUNDS rounds after a warm-up round: took_ms (server-side) and client wall;
  - GET /api/timeline?from=&to= over a month, a year and the whole range;
  - GET /entities/{name} (page) and GET /api/entities/{name} for the most and less named entities;
  - GET /reports/{id} (preview page) for 50 reports;
and the server's peak RSS (VmHWM) — the server keeps no answers (YANBAO_CACHE_MB=0 unless set), so
repeated rounds measure the engine; then a new `yanbao search` process per query for every scope
(wall, start-up included; a warm-up round first, then CLI_ROUNDS rounds) and `yanbao reindex`
(wall, CPU, peak RSS). Latencies are medians (p50) and p99 over all timed requests.
--skip ingest measures DATA_DIR as it is (taking the ingest figures from --ingest-from, if given).
Writes everything to OUT.json and prints a summary."""
import http.client, json, os, re, shutil, signal, sqlite3, subprocess, sys, threading, time, urllib.parse

QUERIES = ['先进封装', '半导体', '血制品', '医疗器械', '化学发光', '毛利率', '净利润增长', '集采', '眼科',
           '医美', '玻尿酸', '新能源', '消费电子', '晶圆', '产能利用率', '估值', '风险提示', '营业收入', '封装测试', '白马',
           # English, figures and tables, a phrase
           'iPhone', 'GDP', 'CAGR', '批签发', '市场规模', '涨跌幅', '"归母净利润"']
SCOPES = ['all', 'reports', 'paragraphs', 'figures', 'tables', 'events']

def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]

def summary(values):
    return {'n': len(values), 'p50': pct(values, 50), 'p99': pct(values, 99), 'max': max(values) if values else None}

def loadavg():
    return open('/proc/loadavg').read().split()[:3]

def timed(cmd, out_path):
    """Runs cmd under /usr/bin/time -v; returns (returncode, stdout, stderr, {wall_s, cpu_s, maxrss_mb})."""
    tfile = out_path + '.time'
    p = subprocess.run(['/usr/bin/time', '-v', '-o', tfile] + cmd, capture_output=True, text=True)
    t = open(tfile).read()
    def field(name):
        m = re.search(re.escape(name) + r':\s*(.+)', t)
        return m.group(1).strip() if m else None
    wall = field('Elapsed (wall clock) time (h:mm:ss or m:ss)')
    parts = [float(x) for x in wall.split(':')]
    wall_s = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
    os.remove(tfile)
    return p.returncode, p.stdout, p.stderr, {'wall_s': wall_s, 'cpu_s': float(field('User time (seconds)')) + float(field('System time (seconds)')),
                                              'user_s': float(field('User time (seconds)')), 'sys_s': float(field('System time (seconds)')),
                                              'maxrss_mb': int(field('Maximum resident set size (kbytes)')) / 1024}

def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total

class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection('127.0.0.1', port, timeout=120)

    def get(self, path):
        t0 = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request('GET', path)
                r = self.conn.getresponse()
                body = r.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=120)
                if attempt:
                    raise
        return r.status, body, (time.perf_counter() - t0) * 1000

def q(text):
    return urllib.parse.quote(text, safe='')

def same_bytes(a, b):
    """True when two source files hold the same bytes: the generator can draw one "distinct" report
    twice (the same topic run, the same figures), and the library rightly stores it once."""
    try:
        with open(a, 'rb') as fa, open(b, 'rb') as fb:
            return fa.read() == fb.read()
    except OSError:
        return False

def dedup_check(binary, data, labels_path, source_dir=None):
    """Compares the library's same-report marks (reports.duplicate_of) with the generator's labels
    (originals found in SOURCE_DIR with the same bytes count as one report)."""
    labels = {}
    for line in open(labels_path, encoding='utf-8'):
        l = json.loads(line)
        labels[l['file']] = l
    by_id, marks = {}, []
    try:  # the store's own columns: cheap at 100 k (an export would write every report's JSON)
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(data, 'library.sqlite'), uri=True)
        for rid, path, dup in db.execute('SELECT id, source_path, duplicate_of FROM reports'):
            by_id[rid] = os.path.basename(path or '')
            if dup:
                marks.append((rid, dup))
        db.close()
    except sqlite3.Error:
        p = subprocess.run([binary, '--data', data, 'export'], capture_output=True)
        for line in p.stdout.splitlines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            by_id[r['id']] = os.path.basename((r.get('source') or {}).get('path') or '')
            if r.get('duplicate_of'):
                marks.append((r['id'], r['duplicate_of']))
    pairs = [(by_id.get(a), by_id.get(b)) for a, b in marks]
    copies = {l['file']: l.get('copy_of') for l in labels.values() if l['kind'] == 'copy'}
    def same(a, b):  # a copy of b, or both copies of one original, or originals with the same bytes
        oa, ob = copies.get(a, a), copies.get(b, b)
        return oa == ob or (source_dir is not None and same_bytes(os.path.join(source_dir, oa), os.path.join(source_dir, ob)))
    wrong = [(a, b, labels.get(a, {}).get('kind'), labels.get(b, {}).get('kind')) for a, b in pairs if not (a and b and same(a, b))]
    right = {x for a, b in pairs if a and b and same(a, b) for x in (a, b)}
    kinds = {}
    for a, b, ka, kb in wrong:
        key = 'series issue of the same series' if ka == kb == 'series' and labels[a].get('series') == labels[b].get('series') else '%s vs %s' % (ka, kb)
        kinds[key] = kinds.get(key, 0) + 1
    return {'stored': len(by_id), 'marked': len(pairs), 'marked_wrong': len(wrong), 'wrong_by_kind': kinds,
            'wrong_examples': [{'file': a, 'kind': ka, 'title': labels.get(a, {}).get('title'), 'marked_copy_of': b, 'of_kind': kb,
                                'of_title': labels.get(b, {}).get('title')} for a, b, ka, kb in wrong[:8]],
            'true_copies': len(copies), 'true_copies_found': sum(1 for c in copies if c in right),
            'copies_by_how': {h: [sum(1 for l in labels.values() if l.get('how') == h),
                                  sum(1 for c, l in labels.items() if l.get('how') == h and c in right)]
                              for h in sorted({l.get('how') for l in labels.values() if l.get('how')})}}

def run(args):
    binary, src, data, out = args[:4]
    opt = lambda name, default: args[args.index(name) + 1] if name in args else default
    port = int(opt('--port', 18282))
    rounds, cli_rounds = int(opt('--rounds', 5)), int(opt('--cli-rounds', 2))
    labels = opt('--labels', None)
    res = {'binary': binary, 'binary_note': os.environ.get('BIN_NOTE', ''), 'source_dir': src, 'data': data, 'started': time.strftime('%Y-%m-%d %H:%M:%S'), 'loadavg_start': loadavg()}
    skip = set(opt('--skip', '').split(','))  # phases to leave out: ingest (measure DATA as it is), cli, reindex
    files = [f for f in os.listdir(src)]
    res['reports_in'] = len(files)
    res['source_bytes'] = du(src)
    if 'ingest' in skip:
        res['ingest'] = json.load(open(opt('--ingest-from', out))).get('ingest') if os.path.exists(opt('--ingest-from', out)) else None
    else:
        ingest(binary, src, data, out, res, files)
    measure(binary, src, data, out, res, labels, port, rounds, cli_rounds, skip)

def ingest(binary, src, data, out, res, files):
    if os.path.exists(data):
        shutil.rmtree(data)
    print('[%s] ingest %d files (%.0f MB)' % (time.strftime('%H:%M:%S'), len(files), res['source_bytes'] / 1e6), flush=True)
    progress, stop = [], threading.Event()
    def poll():  # reports stored over time: does ingest slow down as the library grows?
        t0 = time.time()
        while not stop.wait(30):
            try:
                db = sqlite3.connect('file:%s?mode=ro' % os.path.join(data, 'library.sqlite'), uri=True, timeout=5)
                count = db.execute('SELECT COUNT(*) FROM reports').fetchone()[0]
                db.close()
                progress.append((round(time.time() - t0), count, loadavg()[0]))
            except sqlite3.Error:
                pass
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    rc, so, se, t = timed([binary, '--data', data, 'ingest', src], out)
    stop.set()
    res['ingest'] = dict(t, returncode=rc, tail=(so + se).strip().splitlines()[-3:], loadavg=loadavg(), progress=progress)
    print('  ingest: %.1f s wall, %.1f s CPU, %.0f MB peak RSS, rc %d: %s' % (t['wall_s'], t['cpu_s'], t['maxrss_mb'], rc, ' | '.join(res['ingest']['tail'])), flush=True)

def measure(binary, src, data, out, res, labels, port, rounds, cli_rounds, skip):
    p = subprocess.run([binary, '--data', data, '--json', 'stats'], capture_output=True, text=True)
    try:
        res['stats'] = json.loads(p.stdout)
    except ValueError:
        res['stats'] = {'raw': p.stdout[-2000:], 'err': p.stderr[-500:]}
    print('  stats: %s' % json.dumps(res['stats'], ensure_ascii=False)[:600], flush=True)
    total = du(data)
    index = du(os.path.join(data, 'index'))
    res['bytes'] = {'data_total': total, 'index': index, 'store': total - index,
                    'files': {f: os.path.getsize(os.path.join(data, f)) for f in os.listdir(data) if os.path.isfile(os.path.join(data, f))}}
    if labels and os.path.exists(labels.replace('.labels.jsonl', '.summary.json')):
        res['generated'] = json.load(open(labels.replace('.labels.jsonl', '.summary.json')))
    if labels and os.path.exists(labels):
        try:
            res['dedup'] = dedup_check(binary, data, labels, src)
            print('  dedup: %s' % json.dumps({k: v for k, v in res['dedup'].items() if k != 'wrong_examples'}, ensure_ascii=False), flush=True)
        except Exception as e:  # a benchmark, not a test: record and go on
            res['dedup'] = {'error': repr(e)}
    # entities and dates for the timeline / entity pages, straight from the store
    entities, dates = [], []
    try:
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(data, 'library.sqlite'), uri=True)
        rows = db.execute('SELECT name, COUNT(*) c FROM entities GROUP BY name ORDER BY c DESC LIMIT 200').fetchall()
        entities = [r[0] for r in rows[:6]] + [r[0] for r in rows[50:200:30]]
        dates = list(db.execute("SELECT MIN(date), MAX(date) FROM events WHERE date GLOB '[12][0-9][0-9][0-9]*'").fetchone())
        db.close()
    except Exception as e:
        res['entities_error'] = repr(e)
    res['entities'] = entities
    # serve
    log = open(out + '.server.log', 'w')
    t0 = time.perf_counter()
    # The engine's own cost: no kept answers (the rounds repeat each query), unless the caller
    # sets YANBAO_CACHE_MB.
    env = dict(os.environ, YANBAO_CACHE_MB=os.environ.get('YANBAO_CACHE_MB', '0'))
    server = subprocess.Popen([binary, '--data', data, 'serve', '--addr', '127.0.0.1:%d' % port], stdout=log, stderr=subprocess.STDOUT, env=env)
    c = None
    for _ in range(2400):
        try:
            c = Client(port)
            if c.get('/healthz')[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.05)
    res['serve_start_s'] = time.perf_counter() - t0
    rss = lambda: int(re.search(r'VmRSS:\s*(\d+)', open('/proc/%d/status' % server.pid).read()).group(1)) / 1024
    res['serve_rss_after_start_mb'] = rss()
    print('[%s] serving after %.1f s, RSS %.0f MB' % (time.strftime('%H:%M:%S'), res['serve_start_s'], res['serve_rss_after_start_mb']), flush=True)
    try:
        # a fresh server's first queries
        first_wall, first_took = [], []
        for text in QUERIES:
            st, body, ms = c.get('/api/search?q=%s&in=paragraphs&limit=10' % q(text))
            first_wall.append(ms)
            if st == 200:
                first_took.append(json.loads(body).get('took_ms', 0))
        res['search_fresh_server'] = {'wall_ms': summary(first_wall), 'took_ms': summary(first_took), 'first_ms': first_wall[0]}
        # warm search per scope
        res['search_server'] = {}
        res['search_param'] = 'in'  # earlier runs sent scope=, which the API ignores: every scope was 'all'
        all_wall, all_took, errors = [], [], 0
        totals = {}
        for scope in SCOPES:
            wall, took = [], []
            for r in range(rounds + 1):
                for text in QUERIES:
                    st, body, ms = c.get('/api/search?q=%s&in=%s&limit=10' % (q(text), scope))
                    if st != 200:
                        errors += 1
                        continue
                    j = json.loads(body)
                    if r:
                        wall.append(ms); took.append(j.get('took_ms', 0))
                    else:
                        totals.setdefault(text, {})[scope] = j.get('total')
            res['search_server'][scope] = {'wall_ms': summary(wall), 'took_ms': summary(took)}
            all_wall += wall; all_took += took
        res['search_server']['ALL'] = {'wall_ms': summary(all_wall), 'took_ms': summary(all_took)}
        res['search_errors'] = errors
        res['search_totals'] = totals
        print('  server search: took p50 %.1f p99 %.1f ms; wall p50 %.1f p99 %.1f ms; errors %d; fresh server wall p99 %.1f ms' % (
            res['search_server']['ALL']['took_ms']['p50'], res['search_server']['ALL']['took_ms']['p99'],
            res['search_server']['ALL']['wall_ms']['p50'], res['search_server']['ALL']['wall_ms']['p99'], errors,
            res['search_fresh_server']['wall_ms']['p99']), flush=True)
        # per-query slowest (paragraphs + all), to point at outliers
        per_query = {}
        for text in QUERIES:
            ms = []
            for scope in ('all', 'paragraphs'):
                for _ in range(3):
                    st, body, w = c.get('/api/search?q=%s&in=%s&limit=10' % (q(text), scope))
                    if st == 200:
                        ms.append(json.loads(body).get('took_ms', 0))
            per_query[text] = max(ms) if ms else None
        res['search_slowest_queries'] = sorted(per_query.items(), key=lambda kv: -(kv[1] or 0))[:5]
        # timeline
        lo = (dates[0] if dates and dates[0] else '2015-01-01')[:4]
        hi = (dates[1] if dates and dates[1] else '2024-12-31')[:4]
        ranges = {'month': ('2021-06', '2021-06'), 'year': ('2021', '2021'), 'all': (lo, hi)}
        res['timeline'] = {}
        for name, (f, to) in ranges.items():
            wall, n_events = [], None
            for r in range(rounds + 1):
                st, body, ms = c.get('/api/timeline?from=%s&to=%s' % (f, to))
                if st != 200:
                    res['timeline_error'] = '%s %s' % (st, body[:200]); continue
                if r:
                    wall.append(ms)
                else:
                    n_events = len(json.loads(body).get('events', []))
            res['timeline'][name] = {'from': f, 'to': to, 'events': n_events, 'bytes': len(body), 'wall_ms': summary(wall)}
        print('  timeline: %s' % ', '.join('%s p50 %.1f ms (%s events)' % (k, v['wall_ms']['p50'] or -1, v.get('events')) for k, v in res['timeline'].items() ), flush=True)
        # entities
        page, api, sizes, per_name = [], [], [], {}
        for r in range(max(2, rounds // 2) + 1):
            for name in entities:
                st1, b1, ms1 = c.get('/entities/%s' % q(name))
                st2, b2, ms2 = c.get('/api/entities/%s' % q(name))
                if r:
                    page.append(ms1); api.append(ms2)
                    per_name.setdefault(name, []).append(ms2)
                else:
                    sizes.append((name, st1, st2, len(b1), len(b2)))
        res['entity'] = {'page_ms': summary(page), 'api_ms': summary(api), 'names': sizes,
                         'api_p50_by_name': {k: pct(v, 50) for k, v in per_name.items()}}
        print('  entity: page p50 %.1f p99 %.1f ms; api p50 %.1f p99 %.1f ms (%d names)' % (
            res['entity']['page_ms']['p50'], res['entity']['page_ms']['p99'], res['entity']['api_ms']['p50'], res['entity']['api_ms']['p99'], len(entities)), flush=True)
        # preview pages
        st, body, _ = c.get('/api/reports?limit=50')
        ids = [r['id'] for r in json.loads(body).get('reports', [])] if st == 200 else []
        prev = []
        for r in range(3):
            for i in ids:
                st, body, ms = c.get('/reports/%s' % i)
                if r:
                    prev.append(ms)
        res['preview_page_ms'] = summary(prev)
        res['serve_rss_mb'] = rss()
        res['serve_peak_rss_mb'] = int(re.search(r'VmHWM:\s*(\d+)', open('/proc/%d/status' % server.pid).read()).group(1)) / 1024
        print('  preview p50 %.1f p99 %.1f ms; server RSS %.0f MB, peak %.0f MB' % (res['preview_page_ms']['p50'], res['preview_page_ms']['p99'], res['serve_rss_mb'], res['serve_peak_rss_mb']), flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill(); server.wait()
        log.close()
    if 'cli' in skip:
        return finish(res, out)
    # CLI: a new process per query
    print('[%s] CLI searches' % time.strftime('%H:%M:%S'), flush=True)
    res['search_cli'] = {}
    all_cli, rss_cli, cli_errors = [], [], 0
    for scope in SCOPES:
        wall = []
        for r in range(cli_rounds + 1):
            for text in QUERIES:
                t0 = time.perf_counter()
                proc = subprocess.Popen([binary, '--data', data, '--json', 'search', text, '--in', scope, '--limit', '10'],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _, status, ru = os.wait4(proc.pid, 0)
                ms = (time.perf_counter() - t0) * 1000
                proc.returncode = status
                if status != 0:
                    cli_errors += 1
                if r:
                    wall.append(ms); rss_cli.append(ru.ru_maxrss / 1024)
        res['search_cli'][scope] = {'wall_ms': summary(wall)}
        all_cli += wall
    res['search_cli']['ALL'] = {'wall_ms': summary(all_cli)}
    res['search_cli_errors'] = cli_errors
    res['search_cli_peak_rss_mb'] = max(rss_cli) if rss_cli else None
    print('  CLI: wall p50 %.0f ms p99 %.0f ms (errors %d), peak RSS %.0f MB' % (res['search_cli']['ALL']['wall_ms']['p50'], res['search_cli']['ALL']['wall_ms']['p99'], cli_errors, res['search_cli_peak_rss_mb'] or 0), flush=True)
    if 'reindex' in skip:
        return finish(res, out)
    # reindex
    print('[%s] reindex' % time.strftime('%H:%M:%S'), flush=True)
    rc, so, se, t = timed([binary, '--data', data, 'reindex'], out)
    res['reindex'] = dict(t, returncode=rc, tail=(so + se).strip().splitlines()[-2:], index_bytes_after=du(os.path.join(data, 'index')))
    print('  reindex: %.1f s wall, %.1f s CPU, %.0f MB peak RSS, rc %d' % (t['wall_s'], t['cpu_s'], t['maxrss_mb'], rc), flush=True)
    finish(res, out)

def finish(res, out):
    res['loadavg_end'] = loadavg()
    res['finished'] = time.strftime('%Y-%m-%d %H:%M:%S')
    json.dump(res, open(out, 'w'), ensure_ascii=False, indent=1)
    print('wrote %s' % out)

def stat(res, *keys):
    s = res.get('stats', {})
    for k in keys:
        if isinstance(s, dict) and k in s:
            return s[k]
    return None

def table(paths):
    rs = [json.load(open(p)) for p in paths]
    def row(name, f, fmt='%s'):
        cells = []
        for r in rs:
            try:
                v = f(r)
                cells.append(fmt % v if v is not None else '–')
            except Exception:
                cells.append('–')
        return '| %s | %s |' % (name, ' | '.join(cells))
    n = lambda r: r['reports_in']
    paras = lambda r: r['generated']['body_paragraphs']
    lines = ['| measure | %s |' % ' | '.join('%s reports' % format(n(r), ',') for r in rs), '|---|%s' % ('---|' * len(rs))]
    S = lambda r, scope, k='took_ms', p='p99': r['search_server'][scope][k][p]
    lines += [
        row('reports stored (stats)', lambda r: stat(r, 'reports', 'report_count')),
        row('body paragraphs written (generator)', lambda r: format(paras(r), ',')),
        row('blocks / figures / tables / events (stats)', lambda r: '%s / %s / %s / %s' % tuple(format(stat(r, k), ',') for k in ('blocks', 'figures', 'tables', 'events'))),
        row('marked duplicates (stats)', lambda r: stat(r, 'duplicates')),
        row('source MB', lambda r: r['source_bytes'] / 1e6, '%.0f'),
        row('ingest wall s / CPU s', lambda r: '%.0f / %.0f' % (r['ingest']['wall_s'], r['ingest']['cpu_s'])),
        row('**ingest reports/s (wall)**', lambda r: n(r) / r['ingest']['wall_s'], '%.0f'),
        row('ingest paragraphs per CPU-s', lambda r: paras(r) / r['ingest']['cpu_s'], '%.0f'),
        row('ingest peak RSS MB', lambda r: r['ingest']['maxrss_mb'], '%.0f'),
        row('store KB per report (data minus index/)', lambda r: r['bytes']['store'] / n(r) / 1e3, '%.1f'),
        row('index KB per report', lambda r: r['bytes']['index'] / n(r) / 1e3, '%.1f'),
        row('**store / sources**', lambda r: r['bytes']['store'] / r['source_bytes'], '%.2f×'),
        row('(store + index) / sources', lambda r: r['bytes']['data_total'] / r['source_bytes'], '%.2f×'),
        row('**server search took_ms p50 / p99 (all six scopes)**', lambda r: '%.1f / %.1f' % (S(r, 'ALL', p='p50'), S(r, 'ALL')) if r.get('search_param') == 'in' else None),
        row('server search client wall p50 / p99 (all six scopes)', lambda r: '%.1f / %.1f' % (S(r, 'ALL', 'wall_ms', 'p50'), S(r, 'ALL', 'wall_ms')) if r.get('search_param') == 'in' else None),
    ]
    for scope in SCOPES:
        lines.append(row('  · scope %s: took p50 / p99, wall p99' % scope, lambda r, s=scope: '%.1f / %.1f, %.1f' % (S(r, s, p='p50'), S(r, s), S(r, s, 'wall_ms'))
                         if s == 'all' or r.get('search_param') == 'in' else None))
    lines += [
        row('fresh server, first query each: wall p50 / p99 (very first)', lambda r: '%.1f / %.1f (%.0f)' % (r['search_fresh_server']['wall_ms']['p50'], r['search_fresh_server']['wall_ms']['p99'], r['search_fresh_server']['first_ms'])),
        row('**CLI search process wall p50 / p99 (all scopes)**', lambda r: '%.0f / %.0f' % (r['search_cli']['ALL']['wall_ms']['p50'], r['search_cli']['ALL']['wall_ms']['p99'])),
    ]
    for scope in SCOPES:
        lines.append(row('  · CLI scope %s p50 / p99' % scope, lambda r, s=scope: '%.0f / %.0f' % (r['search_cli'][s]['wall_ms']['p50'], r['search_cli'][s]['wall_ms']['p99'])))
    for name in ('month', 'year', 'all'):
        lines.append(row('timeline %s p50 / p99 ms (events)' % name, lambda r, k=name: '%.1f / %.1f (%s)' % (r['timeline'][k]['wall_ms']['p50'], r['timeline'][k]['wall_ms']['p99'], r['timeline'][k]['events'])))
    lines += [
        row('entity page p50 / p99 ms', lambda r: '%.1f / %.1f' % (r['entity']['page_ms']['p50'], r['entity']['page_ms']['p99'])),
        row('entity API p50 / p99 ms', lambda r: '%.1f / %.1f' % (r['entity']['api_ms']['p50'], r['entity']['api_ms']['p99'])),
        row('preview page p50 / p99 ms', lambda r: '%.1f / %.1f' % (r['preview_page_ms']['p50'], r['preview_page_ms']['p99'])),
        row('serve start-up s (until /healthz)', lambda r: r['serve_start_s'], '%.1f'),
        row('serve RSS after start / peak MB', lambda r: '%.0f / %.0f' % (r['serve_rss_after_start_mb'], r['serve_peak_rss_mb'])),
        row('CLI search peak RSS MB', lambda r: r['search_cli_peak_rss_mb'], '%.0f'),
        row('reindex wall s / CPU s', lambda r: '%.0f / %.0f' % (r['reindex']['wall_s'], r['reindex']['cpu_s'])),
        row('reindex peak RSS MB', lambda r: r['reindex']['maxrss_mb'], '%.0f'),
        row('marked as copies / of them different reports', lambda r: '%d / %d' % (r['dedup']['marked'], r['dedup']['marked_wrong'])),
        row('true near-copies found', lambda r: '%d of %d' % (r['dedup']['true_copies_found'], r['dedup']['true_copies'])),
        row('load average start → end', lambda r: '%s → %s' % (r['loadavg_start'][0], r['loadavg_end'][0])),
    ]
    print('\n'.join(lines))

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'run' and len(sys.argv) >= 6:
        run(sys.argv[2:])
    elif len(sys.argv) > 2 and sys.argv[1] == 'table':
        table(sys.argv[2:])
    else:
        print(__doc__); sys.exit(2)
