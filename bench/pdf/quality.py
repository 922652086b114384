#!/usr/bin/env python3
"""Scores yanbao-pdf and pymupdf4llm on the gold PDFs and writes docs/quality/pdf.md.

usage: bench/pdf/quality.py [--speed] [--out docs/quality/pdf.md]

- yanbao-pdf: the release example `parse_pdf` (report JSON), scored with `score_pdf` loaded from
  ../shared/tools/score_gold.py itself (the same function CI's scorer uses).
- pymupdf4llm: its Markdown turned into the same report shape (title = first heading, captions =
  lines starting with a 图/表/Figure label, source = the next 资料来源 line within six lines,
  paragraphs = Markdown paragraphs) and scored with the same function. It prints no cover
  metadata, so its institution/date/analysts scores are what that shape allows.
- The MinerU human ground truth of the 德邦 report: normalised character edit distance of each
  tool's text (letters, digits and Han only, NFKC) to it.
- `--speed` appends the table of bench/pdf/peers.py (same machine, same run); without it the
  speed section of the existing file is kept.
"""
import json, os, re, subprocess, sys, tempfile, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
SHARED = os.path.abspath(os.path.join(REPO, '..', 'shared'))
GOLD = os.path.join(REPO, 'crates', 'yanbao-pdf', 'tests', 'gold')
sys.path.insert(0, HERE)
from peers import ensure_venv  # noqa: E402


def load_scorer():
    source = open(os.path.join(SHARED, 'tools', 'score_gold.py'), encoding='utf-8').read()
    source = re.sub(r'\nmain\(\)\s*$', '\n', source)
    namespace = {'__name__': 'score_gold'}
    exec(compile(source, 'score_gold.py', 'exec'), namespace)
    return namespace['score_pdf'], namespace['fold']


CAPTION = re.compile(r'^(图表|图|表|Figure|Table)\s*\d+')
SOURCE = re.compile(r'^(资料来源|数据来源|来源|Sources?)\s*[:：]')
MD_NOISE = re.compile(r'[*_`#>]|!\[[^\]]*\]\([^)]*\)')


def markdown_report(md):
    """Turns pymupdf4llm Markdown into the report fields score_pdf reads."""
    lines = [MD_NOISE.sub('', l).strip() for l in md.splitlines()]
    title = next((MD_NOISE.sub('', l).strip() for l in md.splitlines() if l.startswith('#')), '') or next((l for l in lines if l), '')
    figures = []
    for i, line in enumerate(lines):
        m = CAPTION.match(line)
        if not m or line.startswith('|'):
            continue
        caption = re.sub(r'^(图表|图|表|Figure|Table)\s*\d+[.\d]*\s*[：:.、]?\s*', '', line)
        source = next((l for l in lines[i + 1:i + 7] if SOURCE.match(l)), None)
        figures.append({'label': m.group(0), 'caption': caption, 'source': source})
    blocks, current = [], []
    for line in lines + ['']:
        if not line or line.startswith('|'):
            if current:
                blocks.append({'kind': 'paragraph', 'text': ''.join(current)})
                current = []
            continue
        current.append(line)
    return {'title': title, 'institution': None, 'date': None, 'authors': [], 'figures': figures, 'tables': [], 'blocks': blocks}


def plain(text, fold):
    return ''.join(c for c in fold(text) if c.isalnum())


def build_parse_binary():
    target = os.environ.get('CARGO_TARGET_DIR', os.path.join(REPO, 'target'))
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    subprocess.check_call(['cargo', 'build', '-q', '--release', '-p', 'yanbao-pdf', '--example', 'parse_pdf'], cwd=REPO, env=env)
    return os.path.join(target, 'release', 'examples', 'parse_pdf')


def ours(binary, path):
    out = subprocess.run([binary, path], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[-1] if out.stderr.strip() else 'exit %d' % out.returncode
    return json.loads(out.stdout), None


def report_text(report):
    parts = [report.get('title') or '']
    for block in report.get('blocks') or []:
        parts.append(block.get('text') or '')
    for table in report.get('tables') or []:
        if not table.get('label'):
            continue  # unlabelled grids already carry their cells in the block text
        for row in [table.get('header') or []] + (table.get('rows') or []):
            parts.append(''.join(row))
    return '\n'.join(parts)


def mean(values):
    return sum(values) / len(values) if values else float('nan')


def main():
    ensure_venv()
    import pymupdf4llm
    from rapidfuzz.distance import Levenshtein
    args = sys.argv[1:]
    out_path = args[args.index('--out') + 1] if '--out' in args else os.path.join(REPO, 'docs', 'quality', 'pdf.md')
    score_pdf, fold = load_scorer()
    binary = build_parse_binary()
    rows, totals = [], {'yanbao': {}, 'pymupdf4llm': {}}
    for name in sorted(os.listdir(GOLD)):
        if not name.endswith('.json'):
            continue
        gold = json.load(open(os.path.join(GOLD, name), encoding='utf-8'))
        pdf = os.path.join(SHARED, 'corpus', 'pdf', gold['file'])
        with tempfile.TemporaryDirectory() as tmp:
            neutral = os.path.join(tmp, 'doc.pdf')
            with open(pdf, 'rb') as src, open(neutral, 'wb') as dst:
                dst.write(src.read())
            report, error = ours(binary, neutral)
            md = pymupdf4llm.to_markdown(neutral, show_progress=False)
        mine = score_pdf(report, gold) if report else {}
        theirs = score_pdf(markdown_report(md), gold)
        for tool, scores in (('yanbao', mine), ('pymupdf4llm', theirs)):
            for k, v in scores.items():
                totals[tool].setdefault(k, []).append(v)
        rows.append((gold['file'], mine, theirs, error))
    gt_path = os.path.join(SHARED, 'corpus', 'text', 'mineru', '德邦_高测股份_ground_truth_cleaned.md')
    mineru_pdf = os.path.join(SHARED, 'corpus', 'pdf', 'zh_mineru_德邦证券_高测股份688556_公司点评_20220719.pdf')
    truth = plain(re.sub(r'<[^>]+>|\\mathrm|\$', '', open(gt_path, encoding='utf-8').read()), fold)
    report, _ = ours(binary, mineru_pdf)
    ours_text = plain(report_text(report), fold) if report else ''
    p4_text = plain(pymupdf4llm.to_markdown(mineru_pdf, show_progress=False), fold)
    d_ours = Levenshtein.normalized_distance(ours_text, truth)
    d_p4 = Levenshtein.normalized_distance(p4_text, truth)

    keys = ['title', 'institution', 'date', 'analysts', 'caption_recall', 'caption_precision', 'sources', 'no_leak', 'whole']
    lines = ['# PDF parsing quality', '',
             'Generated by `bench/pdf/quality.py` (do not edit by hand). Gold facts: `crates/yanbao-pdf/tests/gold/`',
             '(copies of `shared/gold/pdf/`), scored with `score_pdf` from `shared/tools/score_gold.py`; the same',
             'scoring runs in `cargo test -p yanbao-pdf --test gold`. Files are parsed under a neutral name.', '',
             '## Summary (mean over files where the metric applies)', '',
             '| metric | yanbao-pdf | pymupdf4llm 0.0.27 | better |', '|---|---|---|---|']
    for k in keys:
        a, b = mean(totals['yanbao'].get(k, [])), mean(totals['pymupdf4llm'].get(k, []))
        better = 'yanbao' if a > b + 1e-9 else ('pymupdf4llm' if b > a + 1e-9 else 'tie')
        lines.append('| %s | %.3f | %.3f | %s |' % (k, a, b, better))
    overall_ours = mean([mean(list(m.values())) if m else 0.0 for _, m, _, _ in rows])
    overall_p4 = mean([mean(list(t.values())) for _, _, t, _ in rows])
    lines += ['| **file mean** | **%.3f** | **%.3f** | |' % (overall_ours, overall_p4), '',
              'pymupdf4llm prints no cover metadata (institution, date, analysts), so it scores only where the gold has none to find.', '',
              '## Text against the MinerU human ground truth (德邦 高测股份, 4 pages)', '',
              'Normalised character edit distance (NFKC; letters, digits and Han only; lower is better):', '',
              '| tool | edit distance |', '|---|---|',
              '| yanbao-pdf | %.3f |' % d_ours, '| pymupdf4llm | %.3f |' % d_p4, '',
              '## Per file', '',
              '| file | yanbao | pymupdf4llm | yanbao metrics below 1 | pymupdf4llm better on |', '|---|---|---|---|---|']
    for file, mine, theirs, error in rows:
        short = file[:46]
        if error:
            lines.append('| %s | FAILED | %.2f | %s | |' % (short, mean(list(theirs.values())), error))
            continue
        weak = ' '.join('%s=%.2f' % (k, v) for k, v in sorted(mine.items()) if v < 0.999)
        their_wins = ' '.join(k for k in sorted(theirs) if theirs[k] > mine.get(k, 0) + 1e-9)
        lines.append('| %s | %.2f | %.2f | %s | %s |' % (short, mean(list(mine.values())), mean(list(theirs.values())), weak, their_wins))
    previous_speed = []
    if os.path.exists(out_path):
        text = open(out_path, encoding='utf-8').read()
        if '## Speed' in text:
            previous_speed = [''] + text[text.index('## Speed'):].rstrip('\n').splitlines()
    if '--speed' not in args:
        lines += previous_speed  # keep the last measured speed table
    if '--speed' in args:
        speed = subprocess.run([sys.executable, os.path.join(HERE, 'peers.py'), '--runs', '3'], capture_output=True, text=True, cwd=REPO)
        table = [l for l in speed.stdout.splitlines() if l.startswith('|') or 'peak RSS' in l or 'files,' in l]
        lines += ['', '## Speed (bench/pdf/peers.py, same machine, same run)', ''] + table
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines[:30]))
    print('wrote', out_path)


if __name__ == '__main__':
    main()
