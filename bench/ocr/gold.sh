#!/usr/bin/env bash
# Structure found on OCR'd pages against the same report's text layer: every page of the gold
# PDFs is drawn and read by OCR (`yanbao parse --ocr always`: the text layer is ignored, each page
# read as if it were a scan), and `../shared/tools/score_gold.py` scores both readings against
# the hand-read gold (title, dates, captions, `资料来源` lines, tables, …). Issue 12's goal: the
# OCR score within 0.05 of the text-layer score.
#
#   bench/ocr/gold.sh target/release/yanbao [GOLD_NAME…]
#
# GOLD_NAME: names of files in ../shared/gold/pdf without `.json` (default: the eight shortest
# reports, 86 pages — all 34 are 900 pages, ~50 CPU minutes of OCR). Prints both scores.
set -euo pipefail
binary="$(realpath "$1")"; shift
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shared="${SHARED:-$repo_root/../shared}"
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  names=(en_us_2022-alphabet-annual-report-56-59 zh_mineru_德邦证券_高测股份688556_公司点评_20220719
    "zh_qp20_20220822_浙商证券_投资策略_金融工程深度：金股数据库及金股组合增强策略（一）"
    zh_qp40_20101028-国海证券-新量化择时指标之二：时变夏普比率把握长中短趋势
    "zh_qp19_20220517_浙商证券_金融工程_一种自适应寻找市场alpha的方法：“trader-company”集成算法交易策略"
    zh_qp22_20140804_国信证券_量化择时系列报告之二：国信投资者情绪指数择时模型
    zh_jal01_2017-02-21国泰君安-数量化专题之九十：综合期限多样性的趋势选股策略
    zh_qp16_20191029-东方证券-_因子选股系列研究六十：基于量价关系度量股票的买卖压力)
fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/gold" "$work/pdf"
for name in "${names[@]}"; do
  cp "$shared/gold/pdf/$name.json" "$work/gold/"
  cp "$shared/corpus/pdf/$name.pdf" "$work/pdf/"
done
[[ -f "$shared/gold/pdf/README.md" ]] && cp "$shared/gold/pdf/README.md" "$work/gold/"
# The same binary, every page read by OCR.
cat > "$work/yanbao-ocr-always" <<WRAP
#!/usr/bin/env bash
args=(); for arg in "\$@"; do args+=("\$arg"); [[ "\$arg" == parse ]] && args+=(--ocr always); done
exec "$binary" "\${args[@]}"
WRAP
chmod +x "$work/yanbao-ocr-always"
for reading in text-layer ocr; do
  run="$binary"; [[ $reading == ocr ]] && run="$work/yanbao-ocr-always"
  echo "== $reading (${#names[@]} reports)"
  python3 "$shared/tools/score_gold.py" "$run" --pdf "$work/gold" "$work/pdf" --min-score 0 2>&1 | tail -n 25
done
