#!/usr/bin/env python3
"""Why a scale library missed the generator's near-copies: for each kind of copy (`how` in the
labels), how many pairs were found, and for each missed pair what the stored evidence disagrees on.

usage: missed_copies.py DATA_DIR LABELS.jsonl

Reads the store's own columns (reports: fingerprint, date, institution, title, duplicate_of) and
applies the tests of `yanbao_model::fingerprint::same_report` that can be read off them: more than
15 of 128 text MinHash slots apart ("text"), bodies under 0.8 of each other's length ("length"),
another date or institution; another title is listed too, though `same_report` refuses only
another period in it (9月 vs 7月). A pair disagreeing on none of these was refused on its figures.
The fingerprint layout read here is v2 (`crates/yanbao-model/src/fingerprint.rs`)."""
import collections, json, os, sqlite3, sys

SLOTS, MAX_DIFFERENT_SLOTS, MIN_LENGTH_RATIO = 128, 15, 0.8

def parse(fingerprint):
    """(body length, text slots) of a v2 fingerprint, or None."""
    if not fingerprint or not fingerprint.startswith('v2:'):
        return None
    f = fingerprint[3:]
    text = f[32:32 + 4 * SLOTS]
    return int(f[16:24], 16), [text[i:i + 4] for i in range(0, 4 * SLOTS, 4)]

def main(data, labels_path):
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(data, 'library.sqlite'), uri=True)
    # gen.py writes SRC.labels.jsonl beside SRC: only files ingested from SRC count (other
    # generated sets in the same library reuse the file names).
    source_dir = os.path.realpath(labels_path[:-len('.labels.jsonl')]) if labels_path.endswith('.labels.jsonl') else None
    rows = {}
    for rid, path, fp, dup, date, inst, title in db.execute(
            'SELECT id, source_path, fingerprint, duplicate_of, date, institution, title FROM reports'):
        if source_dir and os.path.dirname(os.path.realpath(path or '')) != source_dir:
            continue
        rows[os.path.basename(path or '')] = dict(id=rid, fp=fp, dup=dup, date=date, institution=inst, title=title)
    by_how = collections.defaultdict(collections.Counter)
    for line in open(labels_path, encoding='utf-8'):
        label = json.loads(line)
        if label.get('kind') != 'copy':
            continue
        counts = by_how[label.get('how')]
        a, b = rows.get(label['file']), rows.get(label['copy_of'])
        if not a or not b:
            counts['not compared: one of the two files has the bytes of another (stored once)'] += 1
            continue
        if a['dup'] == b['id'] or b['dup'] == a['id'] or (a['dup'] and a['dup'] == b['dup']):
            counts['found'] += 1
            continue
        pa, pb = parse(a['fp']), parse(b['fp'])
        if not pa or not pb:
            counts['no fingerprint'] += 1
            continue
        reasons = []
        if sum(x != y for x, y in zip(pa[1], pb[1])) > MAX_DIFFERENT_SLOTS:
            reasons.append('text')
        if min(pa[0], pb[0]) < MIN_LENGTH_RATIO * max(pa[0], pb[0]):
            reasons.append('length')
        reasons += [k for k in ('date', 'institution', 'title') if a[k] != b[k]]
        counts['missed: ' + (' + '.join(reasons) or 'figures')] += 1
    for how, counts in sorted(by_how.items()):
        print('%s (%d): %s' % (how, sum(counts.values()), json.dumps(dict(counts.most_common()), ensure_ascii=False)))

if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
