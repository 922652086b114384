#!/usr/bin/env python3
"""Folds `perf script` call stacks of a `yanbao ingest` run into ingest stages and a flame graph.

usage: perf_fold.py PERF_SCRIPT_TXT [--folded OUT.folded] [--svg OUT.svg] [--top N]

Input: `perf script -F comm,pid,tid,ip,sym,dso` of a `perf record --call-graph dwarf` run of
`yanbao ingest` (bench/ingest/profile.sh makes it). Each sample is charged to the first stage
whose frame appears walking from the root of its stack to the leaf:

  index      yanbao_index::, tantivy (including tantivy's own indexing threads)
  store      yanbao_store:: (SQLite, zstd, report JSON, fingerprint inside put)
  dedup      Library::stored_copy_of (fingerprint, band candidates, same_report)
  knowledge  yanbao_knowledge::
  json_out   serde_json in the parse-worker (the report written to the pipe)
  json_in    serde_json in the parent (the report read from the pipe)
  layout     yanbao_pdf::{layout,lines,cover,order,page,numeric,ruled}, Report::new_for_source
             (hashing)
  ocr        yanbao_ocr::, yanbao_pdf::{ocr,render}, ONNX Runtime (scanned pages)
  extract    yanbao_pdf::extract, libpdfium
  startup    process start: dynamic loading, clap, PDFium/jieba loading outside the above
  other      everything else (fork/exec and waiting in the parent, page faults, exit)

Prints samples per stage and process (parent vs workers), with the top leaf functions of each.
"""
import collections, re, sys

RULES = [
    ('index', re.compile(r'yanbao_index::|tantivy')),
    ('store', re.compile(r'yanbao_store::')),
    ('dedup', re.compile(r'stored_copy_of')),
    ('knowledge', re.compile(r'yanbao_knowledge::')),
    ('json', re.compile(r'serde_json::')),
    ('layout', re.compile(r'yanbao_pdf::(layout|lines|cover|order|page|numeric|ruled)::|Report::new_for_source')),
    ('ocr', re.compile(r'yanbao_ocr::|yanbao_pdf::(ocr|render)::|libonnxruntime')),
    ('extract', re.compile(r'yanbao_pdf::extract::|libpdfium|FPDF')),
]


def samples(path):
    """Yields (comm, pid, tid, frames root→leaf as 'sym (dso)')."""
    head, frames = None, []
    with open(path, errors='replace') as f:
        for line in f:
            if not line.strip():
                if head:
                    yield head + (list(reversed(frames)),)
                head, frames = None, []
                continue
            if not line[0].isspace():
                parts = line.split()
                m = re.match(r'(\d+)/(\d+)', parts[-1]) if parts else None
                if m:
                    head = (' '.join(parts[:-1]), int(m.group(1)), int(m.group(2)))
                else:
                    head = (line.strip(), 0, 0)
                continue
            parts = line.strip().split(' ', 1)
            if len(parts) == 2:
                sym = parts[1]
                dso = ''
                m = re.match(r'(.*) \(([^()]*)\)$', sym)
                if m:
                    sym, dso = m.group(1), m.group(2).rsplit('/', 1)[-1]
                sym = re.sub(r'\+0x[0-9a-f]+$', '', sym)
                frames.append('%s (%s)' % (sym, dso))
    if head:
        yield head + (list(reversed(frames)),)


def classify(frames, worker):
    for frame in frames:
        for stage, pattern in RULES:
            if pattern.search(frame):
                if stage == 'json':
                    return 'json_out' if worker else 'json_in'
                return stage
    text = ' '.join(frames)
    if re.search(r'_dl_|ld-linux|clap|do_execve|load_elf', text):
        return 'startup'
    return 'other'


def main():
    args = sys.argv[1:]
    opt = lambda name: args[args.index(name) + 1] if name in args else None
    top = int(opt('--top') or 8)
    path = args[0]
    all_samples = list(samples(path))
    parent = min(pid for _, pid, _, _ in all_samples if pid)
    by_stage = collections.Counter()
    by_proc = collections.Counter()
    leaves = collections.defaultdict(collections.Counter)
    folded = collections.Counter()
    for comm, pid, tid, frames in all_samples:
        worker = pid != parent
        stage = classify(frames, worker)
        by_stage[stage] += 1
        by_proc['worker processes' if worker else 'parent process'] += 1
        leaves[stage][frames[-1] if frames else '?'] += 1
        folded[';'.join(['workers' if worker else 'parent', stage] + [f.split(' (')[0].replace(';', ',') for f in frames])] += 1
    total = sum(by_stage.values())
    print('%d samples; parent pid %d' % (total, parent))
    for proc, n in by_proc.most_common():
        print('  %-18s %6d  %5.1f %%' % (proc, n, 100.0 * n / total))
    print()
    print('| stage | samples | share | top leaf functions |')
    print('|---|---|---|---|')
    for stage, n in by_stage.most_common():
        tops = ', '.join('%s %.0f%%' % (leaf.split(' (')[0][:60], 100.0 * c / n) for leaf, c in leaves[stage].most_common(top))
        print('| %s | %d | %.1f %% | %s |' % (stage, n, 100.0 * n / total, tops))
    out = opt('--folded')
    if out:
        with open(out, 'w') as f:
            for stack, n in folded.most_common():
                f.write('%s %d\n' % (stack, n))
    svg = opt('--svg')
    if svg:
        write_svg(folded, svg)


def write_svg(folded, path, width=1600, row=16):
    """A plain flame graph (root at the bottom) from folded stacks."""
    tree = {}
    for stack, n in folded.items():
        node = tree
        for name in stack.split(';'):
            entry = node.setdefault(name, [0, {}])
            entry[0] += n
            node = entry[1]
    total = sum(v[0] for v in tree.values())
    rects = []

    def depth_of(node):
        return 1 + max((depth_of(child[1]) for child in node.values()), default=0)

    depth = depth_of(tree)
    height = depth * row + 40

    def walk(node, x, level):
        for name, (n, children) in sorted(node.items()):
            w = width * n / total
            if w >= 0.3:
                rects.append((x, height - (level + 1) * row - 10, w, name, n))
                walk(children, x, level + 1)
            x += w

    walk(tree, 0.0, 0)
    esc = lambda s: s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')
    with open(path, 'w') as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="monospace" font-size="11">\n' % (width, height))
        f.write('<text x="4" y="14">yanbao ingest CPU flame graph (%d samples); hover for names</text>\n' % total)
        for x, y, w, name, n in rects:
            hue = (hash(name.split('::')[0]) % 60) + 10
            f.write('<g><title>%s (%d samples, %.2f%%)</title><rect x="%.1f" y="%d" width="%.1f" height="%d" fill="hsl(%d,80%%,60%%)" stroke="white" stroke-width="0.3"/>' % (esc(name), n, 100.0 * n / total, x, y, w, row - 1, hue))
            if w > 40:
                f.write('<text x="%.1f" y="%d">%s</text>' % (x + 2, y + row - 4, esc(name[: int(w / 6.6)])))
            f.write('</g>\n')
        f.write('</svg>\n')


if __name__ == '__main__':
    main()
