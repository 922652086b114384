#!/usr/bin/env python3
"""OCR accuracy and speed with gold that costs nothing: pages of PDFs that have a text layer are
rendered to images (PDFium, by `yanbao ocr`), read by yanbao's OCR and by Tesseract from the same
images, and compared with the PDF's own text layer.

    python3 bench/ocr/cer.py target/release/yanbao [--dpi 150] [--pages 4] [--out docs/quality/ocr.md] PDF...

Character error rate (CER): for every line an engine read, the text-layer characters whose centre
lies in the line's box are its reference; CER = (edit distance over all lines + reference
characters in no line) / reference characters. Whitespace is ignored and both sides are NFKC
folded, so full- and half-width forms of one character agree; dots are left out on both sides
(a contents page's leader runs hundreds of them), and so are runs of four or more of one dash
(`-----`, `====`: a rule typed as text). The reference is the text a reader
reads: characters under 6.5 pt tall (chart tick labels, legal fine print) are left out, and a line
read where the text layer has nothing (text inside a raster chart) is neither right nor wrong. A
page counts as Chinese when at least 30 % of its letters are Han. Speed is CPU seconds per page of each engine alone
(rendering apart), one thread each.

Needs Tesseract with `chi_sim` (`apt-get install tesseract-ocr tesseract-ocr-chi-sim`); without
it, only yanbao is measured and the table says so.
"""
import argparse, json, os, re, resource, shutil, subprocess, sys, tempfile, time, unicodedata
from collections import defaultdict

HAN = re.compile(r'[\u3400-\u9fff]')
MIN_HEIGHT = 6.5  # points: smaller characters are not part of the reference


LEADERS = set('.…·•‧_')  # dot leaders of contents pages, in either script


RULE = re.compile(r'([-—=~*])\1{3,}')  # a rule typed as text: four or more of one dash, in either script


def fold(text):
    kept = ''.join(c for c in unicodedata.normalize('NFKC', text) if not c.isspace() and c not in LEADERS)
    return RULE.sub('', kept)


def without_rules(glyphs):
    """The text-layer glyphs less runs that type a rule (`-----`), which no reader reads as text."""
    folded = ''.join(fold(ch[0])[:1] or ' ' for ch in glyphs)
    drop = set()
    for run in RULE.finditer(folded):
        drop.update(range(run.start(), run.end()))
    return [glyph for index, glyph in enumerate(glyphs) if index not in drop]


def edit_distance(a, b):
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def page_errors(glyphs, lines):
    """(errors, reference characters) of one page: lines [(text, x0, y0, x1, y1)] against text-layer
    glyphs [(ch, x0, y0, x1, y1)], all in points."""
    reference = [(fold(ch), (x0 + x1) / 2, (y0 + y1) / 2) for ch, x0, y0, x1, y1 in without_rules(glyphs) if y1 - y0 >= MIN_HEIGHT]
    reference = [(ch, x, y) for ch, x, y in reference if ch]
    total = sum(len(ch) for ch, _, _ in reference)
    taken = [False] * len(reference)
    errors = 0
    for text, x0, y0, x1, y1 in lines:
        inside = []
        for index, (ch, x, y) in enumerate(reference):
            if not taken[index] and x0 <= x <= x1 and y0 <= y <= y1:
                taken[index] = True
                inside.append((x, ch))
        if not inside:
            continue  # text the text layer does not have (a raster chart's labels)
        inside.sort()
        errors += edit_distance(fold(text), ''.join(ch for _, ch in inside))
    errors += sum(len(ch) for (ch, _, _), t in zip(reference, taken) if not t)
    return errors, total


def tesseract_lines(image, scale, languages):
    """Tesseract's lines of one page image, boxes in points, and its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(['tesseract', image, '-', '-l', languages, '--psm', '3', 'tsv'],
                         capture_output=True, text=True, env=dict(os.environ, OMP_THREAD_LIMIT='1'))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    words = defaultdict(list)
    for row in out.stdout.splitlines()[1:]:
        cells = row.split('\t')
        if len(cells) < 12 or cells[0] != '5' or not cells[11].strip():
            continue
        key = tuple(int(c) for c in cells[1:5])
        left, top, width, height = (int(c) for c in cells[6:10])
        words[key].append((left, top, left + width, top + height, cells[11]))
    lines = []
    for parts in words.values():
        parts.sort()
        text = ''.join(p[4] if HAN.search(p[4]) else ' ' + p[4] for p in parts)
        lines.append((text, min(p[0] for p in parts) / scale, min(p[1] for p in parts) / scale,
                      max(p[2] for p in parts) / scale, max(p[3] for p in parts) / scale))
    return lines, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('binary')
    parser.add_argument('pdfs', nargs='+')
    parser.add_argument('--dpi', type=int, default=150)
    parser.add_argument('--pages', type=int, default=4, help='first N pages of each file')
    parser.add_argument('--out', help='write the Markdown report here')
    parser.add_argument('--no-tesseract', action='store_true')
    args = parser.parse_args()
    tesseract = None if args.no_tesseract else shutil.which('tesseract')
    if tesseract:
        langs = subprocess.run(['tesseract', '--list-langs'], capture_output=True, text=True).stdout.split()
        if 'chi_sim' not in langs:
            print('tesseract has no chi_sim: install tesseract-ocr-chi-sim', file=sys.stderr)
            tesseract = None
        version = subprocess.run(['tesseract', '--version'], capture_output=True, text=True).stdout.split('\n')[0]
    work = tempfile.mkdtemp(prefix='yanbao-ocr-cer-')
    rows = []
    totals = defaultdict(lambda: [0, 0, 0.0, 0])  # (engine, language) -> errors, chars, cpu, pages
    for pdf in args.pdfs:
        images = os.path.join(work, str(len(rows)))
        os.makedirs(images)
        run = subprocess.run([args.binary, 'ocr', pdf, '--pages', f'1-{args.pages}', '--dpi', str(args.dpi),
                              '--text-layer', '--save-images', images, '--json'], capture_output=True, text=True)
        if run.returncode != 0:
            print(f'{os.path.basename(pdf)}: {run.stderr.strip()}', file=sys.stderr)
            continue
        result = json.loads(run.stdout)
        per_file = defaultdict(lambda: [0, 0, 0.0, 0])
        language = None
        for page in result['pages']:
            glyphs = [(g['text'], *g['box']) for g in page.get('text_layer', [])]
            if len(glyphs) < 20 or 'lines' not in page:
                continue  # a page with (almost) no text layer has no gold
            han = sum(1 for g in glyphs if HAN.match(g[0]))
            latin = sum(1 for g in glyphs if g[0].isascii() and g[0].isalpha())
            language = 'zh' if han >= 0.3 * (han + latin) else 'en'
            ours = [(l['text'], *l['box']) for l in page['lines']]
            engines = [('yanbao', ours, page['ocr_cpu_ms'] / 1000.0)]
            if tesseract:
                lines, cpu = tesseract_lines(page['image'], page['scale'], 'chi_sim+eng' if language == 'zh' else 'eng')
                engines.append(('tesseract', lines, cpu))
            for engine, lines, cpu in engines:
                errors, chars = page_errors(glyphs, lines)
                for bucket in (per_file[engine], totals[(engine, language)]):
                    bucket[0] += errors
                    bucket[1] += chars
                    bucket[2] += cpu
                    bucket[3] += 1
        if per_file:
            language = 'zh' if os.path.basename(pdf).startswith('zh') else 'en' if os.path.basename(pdf).startswith('en') else language
            rows.append((os.path.basename(pdf), language, dict(per_file)))
            cells = ', '.join(f'{e} {v[0] / max(v[1], 1):.3f}' for e, v in per_file.items())
            print(f'{os.path.basename(pdf)} ({language}, {per_file["yanbao"][3]} pages): CER {cells}', file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)

    engines = ['yanbao'] + (['tesseract'] if tesseract else [])
    out = ['# OCR accuracy and speed', '',
           f'Generated by `python3 bench/ocr/cer.py {os.path.relpath(args.binary)} --dpi {args.dpi} --pages {args.pages} PDF...` '
           '(do not edit by hand). Pages of text-layer PDFs are rendered by PDFium, read by each engine from the same image, '
           'and compared with the PDF\'s own text layer (method in the script\'s doc).', '',
           f'yanbao: PP-OCRv4 det + rec (rapidocr-onnxruntime 1.4.4 models, ONNX Runtime, one thread). '
           + (f'Tesseract: `{version}`, `chi_sim+eng` on Chinese pages, `eng` on English, `--psm 3`, one thread.' if tesseract else
              'Tesseract was not installed for this run.'), '',
           '## Summary', '', '| language | pages | ' + ' | '.join(f'{e} CER | {e} CPU s/page' for e in engines) + ' |',
           '|---|---|' + '---|---|' * len(engines)]
    for language in ('zh', 'en'):
        if (engines[0], language) not in totals:
            continue
        cells = []
        for engine in engines:
            errors, chars, cpu, pages = totals[(engine, language)]
            cells += [f'{errors / max(chars, 1):.3f}', f'{cpu / max(pages, 1):.2f}']
        out.append(f'| {language} | {totals[(engines[0], language)][3]} | ' + ' | '.join(cells) + ' |')
    out += ['', '## Per file', '', '| file | language | pages | ' + ' | '.join(f'{e} CER' for e in engines) + ' |',
            '|---|---|---|' + '---|' * len(engines)]
    for name, language, per_file in rows:
        cells = [f'{per_file[e][0] / max(per_file[e][1], 1):.3f}' if e in per_file else '' for e in engines]
        out.append(f'| {name} | {language} | {per_file["yanbao"][3]} | ' + ' | '.join(cells) + ' |')
    text = '\n'.join(out) + '\n'
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)
    print(text)


if __name__ == '__main__':
    main()
