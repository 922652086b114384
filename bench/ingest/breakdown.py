#!/usr/bin/env python3
"""Where `yanbao ingest` spends its CPU on real PDFs, against PyMuPDF's plain text in the same run.

usage: bench/ingest/breakdown.py [--runs N] [--no-build] [--bin DIR] [PDF_DIR_OR_FILES...]

Default input: the 32 visible Chinese research PDFs, i.e. the `zh_*` files of
../shared/corpus/pdf that have a gold file in ../shared/gold/pdf (31 broker reports and one
annual report; the slide deck has none). Each round, in this order:

1. `yanbao --data TMP ingest FILES` into a fresh data folder: CPU (user + system) of the whole
   process tree (the parent and its `parse-worker` children), start-up included;
2. PyMuPDF (pinned in .tools/bench-venv, as bench/pdf/peers.py): open each file and join
   `page.get_text()` of every page, in one Python process — the CPU of those calls, and of the
   whole process (interpreter and `import fitz` included);
3. the stage breakdown (`crates/yanbao-engine/examples/ingest_breakdown.rs`): extract, layout,
   JSON out/in (the worker → parent hand-off), knowledge, store, index, run one after another in
   one process, plus the once-per-process start-up costs and the `parse-worker` processes.

Prints the median of every figure over the rounds as Markdown tables. "vs PyMuPDF" is PyMuPDF's
get_text CPU divided by yanbao's (>= 1.00x: yanbao costs no more CPU than PyMuPDF's plain text).
Build first (skipped with --no-build): `cargo build --release -p yanbao-cli` and the example.
`--bin DIR` takes `yanbao` and `ingest_breakdown` from DIR instead of target/release (implies
--no-build): to measure saved builds of two states of the tree in one session.
"""
import json, os, resource, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
SHARED = os.path.join(REPO, '..', 'shared')
VENV = os.path.join(REPO, '.tools', 'bench-venv')
PINS = ['pymupdf==1.26.5']


def venv_python():
    python = os.path.join(VENV, 'bin', 'python')
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, '-m', 'venv', VENV])
        subprocess.check_call([python, '-m', 'pip', 'install', '-q'] + PINS)
    return python


def default_files():
    folder = os.path.join(SHARED, 'corpus', 'pdf')
    gold = os.path.join(SHARED, 'gold', 'pdf')
    names = sorted(f for f in os.listdir(folder) if f.startswith('zh_') and f.endswith('.pdf')
                   and os.path.exists(os.path.join(gold, f[:-4] + '.json')))
    return [os.path.join(folder, f) for f in names]


def expand(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith('.pdf'))
        else:
            files.append(p)
    return files


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cpu(argv, **kw):
    """Runs argv to completion; returns (CPU of its whole process tree, stdout)."""
    c0 = children_cpu()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    c1 = children_cpu()
    if p.returncode != 0:
        sys.exit('%s failed: %s' % (argv[0], p.stderr.strip()[-500:]))
    return c1 - c0, p.stdout


def main():
    args = sys.argv[1:]
    opt = lambda name, default: args[args.index(name) + 1] if name in args else default
    runs = int(opt('--runs', 3))
    target = os.environ.get('CARGO_TARGET_DIR', os.path.join(REPO, 'target'))
    bin_dir = opt('--bin', None)
    exe = os.path.join(bin_dir, 'yanbao') if bin_dir else os.path.join(target, 'release', 'yanbao')
    example = os.path.join(bin_dir, 'ingest_breakdown') if bin_dir else os.path.join(target, 'release', 'examples', 'ingest_breakdown')
    rest, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ('--runs', '--bin'):
            skip = True
        elif not a.startswith('--'):
            rest.append(a)
    files = expand(rest) if rest else default_files()
    if '--no-build' not in args and not bin_dir:
        subprocess.check_call(['cargo', 'build', '-q', '--release', '-p', 'yanbao-cli'], cwd=REPO)
        subprocess.check_call(['cargo', 'build', '-q', '--release', '-p', 'yanbao-engine', '--example', 'ingest_breakdown'], cwd=REPO)
    python = venv_python()
    ingest, mupdf, mupdf_proc, stages = [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix='yanbao-breakdown-') as data:
            cpu, out = run_cpu([exe, '--data', data, 'ingest'] + files)
            ingest.append(cpu)
        cpu, out = run_cpu([python, os.path.join(HERE, 'pymupdf_text.py')] + files)
        row = json.loads(out.strip().splitlines()[-1])
        mupdf.append(row['get_text_cpu'])
        mupdf_proc.append(cpu)
        pages = row['pages']
        _, out = run_cpu([example, '--json', '--runs', '1', '--worker', exe] + files)
        stages.append(json.loads(out.strip().splitlines()[-1]))
    med = statistics.median
    s = {k: med([r[k] for r in stages]) for k in stages[0] if isinstance(stages[0][k], (int, float))}
    print('%d PDFs, %d pages; median of %d rounds; yanbao: %s' % (len(files), pages, runs, exe))
    print()
    print('| run | CPU s (user+sys) | vs PyMuPDF get_text |')
    print('|---|---|---|')
    print('| `yanbao ingest` (whole process tree) | %.2f | %.2fx |' % (med(ingest), med(mupdf) / med(ingest)))
    print('| PyMuPDF `get_text()` (open + every page) | %.2f | 1.00x |' % med(mupdf))
    print('| PyMuPDF process (interpreter, import, get_text) | %.2f | |' % med(mupdf_proc))
    print()
    print('Stages, run one after another in one process (`ingest_breakdown`):')
    print()
    print('| stage | CPU s | share of stages |')
    print('|---|---|---|')
    names = ['extract', 'layout', 'json_out', 'json_in', 'knowledge', 'store', 'index']
    total = sum(s[n] for n in names)
    for n in names:
        print('| %s | %.3f | %.0f %% |' % (n, s[n], 100.0 * s[n] / total))
    print('| **stages total** | **%.3f** | |' % total)
    for n in ['startup_pdfium', 'startup_knowledge_jieba', 'startup_index_jieba']:
        print('| %s (once per process) | %.3f | |' % (n, s[n]))
    print('| parse-worker processes, one per PDF (exec, PDFium load, extract, layout, JSON out) | %.3f | |' % s['worker_total'])
    print('| of which beyond extract + layout + json_out in-process | %.3f | |' % s['worker_overhead'])
    print()
    print('raw: ' + json.dumps({'ingest_cpu': ingest, 'pymupdf_get_text_cpu': mupdf, 'pymupdf_process_cpu': mupdf_proc, 'stages': stages}))


if __name__ == '__main__':
    main()
