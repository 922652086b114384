#!/usr/bin/env python3
"""PyMuPDF's plain text of every page, timed: `pymupdf_text.py [--runs N] PDF...`.

Prints one JSON line: the process CPU (user + system, `time.process_time`) of opening each file
and joining `page.get_text()` of every page, summed over the files (median of N runs per file),
and the CPU of the whole process so far (interpreter start-up and `import fitz` included).
Run with the benchmark venv's python (bench/ingest/breakdown.py does).
"""
import json, os, statistics, sys, time

import fitz  # noqa: E402  (PyMuPDF)


def main():
    args = sys.argv[1:]
    runs = 1
    if '--runs' in args:
        i = args.index('--runs')
        runs = int(args[i + 1])
        del args[i:i + 2]
    total, pages, chars = 0.0, 0, 0
    for path in args:
        cpus = []
        for _ in range(runs):
            c = time.process_time()
            with fitz.open(path) as d:
                text = ''.join(p.get_text() for p in d)
                n = d.page_count
            cpus.append(time.process_time() - c)
        total += statistics.median(cpus)
        pages += n
        chars += len(text)
    t = os.times()
    print(json.dumps({'files': len(args), 'pages': pages, 'chars': chars, 'runs': runs,
                      'get_text_cpu': total, 'process_cpu': t.user + t.system}))


if __name__ == '__main__':
    main()
