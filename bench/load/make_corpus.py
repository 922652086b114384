#!/usr/bin/env python3
"""Writes a synthetic library of Markdown reports assembled from real report paragraphs.

Usage: make_corpus.py OUT_DIR [--paragraphs 100000] [--per-report 100] [--source DIR]

Paragraphs come from the Apache-2.0 Markdown ground truths in ../shared/corpus/text/mpb/ (real
Chinese broker reports). Each generated report has a title, a date, an institution, numbered
sections and `--per-report` paragraphs drawn (seeded, reproducible) from the pool, plus one
report-specific sentence so every file has different bytes. The output is for load tests only.
"""
import argparse
import pathlib
import random
import re
import sys

INSTITUTIONS = ["光大证券研究所", "中泰证券研究所", "华泰证券研究所", "国信证券经济研究所", "东吴证券研究所", "中信建投证券"]
TOPICS = ["宏观经济", "新能源汽车", "半导体", "消费", "氢能", "银行", "地产", "医药", "军工", "白酒"]


def paragraph_pool(source: pathlib.Path) -> list[str]:
    """Returns the running-text paragraphs of the corpus (no tables, captions or short lines)."""
    pool = []
    for path in sorted(source.glob("*.md")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if len(line) < 40 or line.startswith(("#", "|", "<", "!", "图", "表", "资料来源", "来源", "数据来源")):
                continue
            if re.search(r"\$|\\\(|<td>", line):
                continue
            pool.append(line)
    return pool


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--per-report", type=int, default=100)
    default_source = pathlib.Path(__file__).resolve().parents[3] / "shared" / "corpus" / "text" / "mpb"
    parser.add_argument("--source", type=pathlib.Path, default=default_source)
    args = parser.parse_args()
    if not args.source.is_dir():
        print(f"corpus folder {args.source} is missing", file=sys.stderr)
        return 1
    pool = paragraph_pool(args.source)
    if not pool:
        print(f"no paragraphs found in {args.source}", file=sys.stderr)
        return 1
    rng = random.Random(20211116)
    args.out.mkdir(parents=True, exist_ok=True)
    reports = max(1, args.paragraphs // args.per_report)
    for number in range(reports):
        topic = TOPICS[number % len(TOPICS)]
        institution = INSTITUTIONS[number % len(INSTITUTIONS)]
        year = 2019 + number % 6
        month = 1 + number % 12
        day = 1 + number % 28
        lines = [f"# {topic}研究报告第{number}期：行业跟踪与展望", "", f"{institution} {year}年{month}月{day}日", ""]
        sections = 5
        per_section = max(1, args.per_report // sections)
        written = 0
        for section in range(sections):
            lines += [f"## {'一二三四五六七八九十'[section]}、{topic}专题{section + 1}", ""]
            for _ in range(per_section):
                if written == 0:
                    lines += [f"本期编号{number}，样本报告{number}号的独有说明。{rng.choice(pool)}", ""]
                else:
                    lines += [rng.choice(pool), ""]
                written += 1
        (args.out / f"synthetic_{number:05d}.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {reports} reports x {args.per_report} paragraphs from a pool of {len(pool)} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
