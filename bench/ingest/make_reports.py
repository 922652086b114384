#!/usr/bin/env python3
"""Writes N synthetic Markdown reports assembled from real report paragraphs, for ingest benchmarks.

usage: make_reports.py OUT_DIR N [--paragraphs-per-report 50] [--shared ../shared]
Paragraphs come from the seed, the Apache-2.0 mpb Markdown ground truths and the 498 qznan industry
reports (../shared/corpus); each report gets a title, a cover block (institution, analyst with SAC
number, date), numbered sections, a pipe table with caption and source, and a figure caption with
its source line, so the whole parser runs, not just paragraph splitting. Deterministic (seeded)."""
import json, os, random, re, sys

def paragraphs(shared):
    out = []
    seed = os.path.join(shared, 'seed', '000_aa7b0d65672ddc97.txt')
    mpb = os.path.join(shared, 'corpus', 'text', 'mpb')
    texts = [open(seed, encoding='utf-8').read()]
    for name in sorted(os.listdir(mpb)):
        texts.append(open(os.path.join(mpb, name), encoding='utf-8').read())
    for text in texts:
        for para in re.split(r'\n\s*\n', text):
            para = para.strip()
            if len(para) >= 60 and not para.startswith(('#', '|', '!', '<', '图', '表', '资料来源')):
                out.append(para)
    qz = os.path.join(shared, 'corpus', 'text', 'qznan', 'yanbao_498_industry_reports_source_content.jsonl')
    if os.path.exists(qz):
        for line in open(qz, encoding='utf-8'):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            text = next((v for v in record.values() if isinstance(v, str) and len(v) > 500), '')
            for sentence_run in re.split(r'(?<=。)', text):
                if 60 <= len(sentence_run) <= 400:
                    out.append(sentence_run.strip())
    return out

def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__); sys.exit(2)
    out_dir, n = args[0], int(args[1])
    per = int(args[args.index('--paragraphs-per-report') + 1]) if '--paragraphs-per-report' in args else 50
    shared = args[args.index('--shared') + 1] if '--shared' in args else os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared')
    paras = paragraphs(shared)
    rng = random.Random(42)
    institutions = ['光大证券研究所', '华泰证券研究所', '国泰君安证券研究', '中金公司研究部', '东吴证券研究所', '招商证券研究发展中心']
    authors = ['高瑞东', '王平', '刘均伟', '陈屹', '邓欣', '周策']
    os.makedirs(out_dir, exist_ok=True)
    for i in range(n):
        body = rng.sample(paras, min(per, len(paras)))
        date = '20%02d 年 %02d 月 %02d 日' % (rng.randint(15, 24), rng.randint(1, 12), rng.randint(1, 28))
        lines = ['# 合成研究报告 %d：%s' % (i, body[0][:20]), '', date, '',
                 '证券分析师 %s 执业证书：S06005230%05d' % (rng.choice(authors), i % 100000), '',
                 '资料来源：%s' % rng.choice(institutions), '']
        for k, para in enumerate(body[1:]):
            if k % 12 == 0:
                lines += ['## %d. 第 %d 部分' % (k // 12 + 1, k // 12 + 1), '']
            if k == 5:
                lines += ['表 1：主要指标', '', '| 指标 | 2022 | 2023 |', '|---|---|---|', '| 营收 | 11.76 亿元 | 13.02 亿元 |', '| 净利润 | 2.1 亿元 | 2.6 亿元 |', '', '资料来源：Wind，%s' % rng.choice(institutions), '']
            if k == 9:
                lines += ['图 1：%s' % para[:24], '', '资料来源：Wind', '']
            lines += [para, '']
        with open(os.path.join(out_dir, 'r%06d.md' % i), 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
    print('wrote %d reports of %d paragraphs from %d real paragraphs to %s' % (n, per, len(paras), out_dir))

main()
