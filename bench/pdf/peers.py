#!/usr/bin/env python3
"""Speed of yanbao-pdf against PyMuPDF and pdfplumber on the same PDFs, in the same run.

usage: bench/pdf/peers.py [--runs N] [--plumber-runs N] [PDF_DIR_OR_FILES...]

Default input: ../shared/corpus/pdf (every file that opens without a password). Each tool parses
every file N times in one process; the median time per file is summed. yanbao runs as the release
example `bench_pdf` (full structure: lines, layout, captions, cover metadata); PyMuPDF as
`page.get_text()` (plain text); pdfplumber as `page.extract_text()` (plain text). Prints a Markdown
table of pages/s, CPU seconds and the ratio to PyMuPDF, and yanbao's peak RSS on the largest file.
The Python peers are installed (pinned) into .tools/bench-venv on first use.
"""
import json, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
VENV = os.path.join(REPO, '.tools', 'bench-venv')
PINS = ['pymupdf==1.26.5', 'pymupdf4llm==0.0.27', 'pdfplumber==0.11.7', 'rapidfuzz==3.14.1']


def ensure_venv():
    """Re-executes this script inside the pinned benchmark venv (created on first use)."""
    python = os.path.join(VENV, 'bin', 'python')
    if os.path.abspath(sys.prefix) == os.path.abspath(VENV):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, '-m', 'venv', VENV])
        subprocess.check_call([python, '-m', 'pip', 'install', '-q'] + PINS)
    os.execv(python, [python] + sys.argv)


def inputs(args):
    paths = args or [os.path.join(REPO, '..', 'shared', 'corpus', 'pdf')]
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith('.pdf'))
        else:
            files.append(p)
    import fitz
    usable = []
    for f in files:
        try:
            d = fitz.open(f)
            if not d.needs_pass:
                usable.append((f, d.page_count))
        except Exception:
            pass
    return usable


def time_tool(files, runs, parse_one):
    total_wall, total_cpu, pages = 0.0, 0.0, 0
    for path, n in files:
        walls, cpus = [], []
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            parse_one(path)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        total_wall += statistics.median(walls)
        total_cpu += statistics.median(cpus)
        pages += n
    return pages, total_wall, total_cpu


def pymupdf_text(path):
    import fitz
    with fitz.open(path) as d:
        return ''.join(p.get_text() for p in d)


def plumber_text(path):
    import pdfplumber
    with pdfplumber.open(path) as d:
        return ''.join((p.extract_text() or '') for p in d.pages)


def yanbao(files, runs):
    env = dict(os.environ, CARGO_TARGET_DIR=os.environ.get('CARGO_TARGET_DIR', os.path.join(REPO, 'target')))
    subprocess.check_call(['cargo', 'build', '-q', '--release', '-p', 'yanbao-pdf', '--example', 'bench_pdf'], cwd=REPO, env=env)
    binary = os.path.join(env['CARGO_TARGET_DIR'], 'release', 'examples', 'bench_pdf')
    c0 = os.times()
    out = subprocess.run([binary, '--json', '--runs', str(runs)] + [f for f, _ in files], capture_output=True, text=True, check=True)
    c1 = os.times()
    rows = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    total = rows[-1]
    cpu_per_run = (c1.children_user + c1.children_system - c0.children_user - c0.children_system) / runs
    largest = max(files, key=lambda f: f[1])[0]
    rss = subprocess.run([binary, '--json', '--runs', '1', largest], capture_output=True, text=True, check=True)
    peak = json.loads(rss.stdout.splitlines()[-1])['peak_rss_kib'] / 1024
    return total['total_pages'], total['total_s'], cpu_per_run, peak, os.path.basename(largest)


def main():
    ensure_venv()
    args = sys.argv[1:]
    runs = int(args[args.index('--runs') + 1]) if '--runs' in args else 5
    plumber_runs = int(args[args.index('--plumber-runs') + 1]) if '--plumber-runs' in args else 1
    rest = [a for i, a in enumerate(args) if not a.startswith('--') and (i == 0 or not args[i - 1].startswith('--'))]
    files = inputs(rest)
    print('%d files, %d pages; median of %d runs (pdfplumber: %d)' % (len(files), sum(n for _, n in files), runs, plumber_runs))
    results = []
    pages, wall, cpu, peak, largest = yanbao(files, runs)
    results.append(('yanbao-pdf (full structure)', pages, wall, cpu))
    results.append(('PyMuPDF get_text (plain text)',) + time_tool(files, runs, pymupdf_text))
    results.append(('pdfplumber extract_text (plain text)',) + time_tool(files, plumber_runs, plumber_text))
    base = results[1][1] / results[1][2]
    print()
    print('| tool | pages | wall s | pages/s | CPU s | vs PyMuPDF |')
    print('|---|---|---|---|---|---|')
    for name, p, w, c in results:
        print('| %s | %d | %.2f | %.1f | %.2f | %.2f× |' % (name, p, w, p / w, c, (p / w) / base))
    print()
    print('yanbao-pdf peak RSS on %s: %.0f MiB' % (largest, peak))


if __name__ == '__main__':
    main()
