//! Small company notes written as Markdown, as brokers print them: a security line with the
//! code, `买入（维持）`, `目标价`, the broker, and a 盈利预测 table. Shared by the engine, server
//! and CLI tests (included with `#[path]`), so every layer is tested on the same notes.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// One broker's note on 紫金矿业 (601899.SH).
pub struct Note {
    /// The broker as printed.
    pub broker: &'static str,
    /// Report date.
    pub date: &'static str,
    /// Rating as printed (`买入（维持）`).
    pub rating: &'static str,
    /// Target price in yuan.
    pub target: f64,
    /// EPS forecasts for 2024E and 2025E (元).
    pub eps: [f64; 2],
    /// Net profit forecasts for 2024E and 2025E (百万元).
    pub net_profit: [f64; 2],
}

/// Three notes from two brokers: 华鑫证券 twice (its latest counts), 光大证券 once.
pub const NOTES: [Note; 3] = [
    Note { broker: "华鑫证券", date: "2024-01-15", rating: "增持（首次）", target: 15.0, eps: [0.90, 1.00], net_profit: [24_000.0, 27_000.0] },
    Note { broker: "光大证券", date: "2024-02-20", rating: "买入（维持）", target: 18.5, eps: [1.10, 1.30], net_profit: [29_000.0, 34_000.0] },
    Note { broker: "华鑫证券", date: "2024-03-25", rating: "买入（上调）", target: 17.0, eps: [1.00, 1.20], net_profit: [26_500.0, 31_000.0] },
];

/// The Markdown of one note.
pub fn markdown(note: &Note) -> String {
    let Note { broker, date, rating, target, eps, net_profit } = note;
    format!(
        "# 紫金矿业（601899.SH）：铜金量价齐升，业绩稳健增长\n\n\
         ## {rating}\n\n\
         目标价：{target:.2} 元\n\n\
         {date}\n\n\
         分析师：张三 执业证书编号：S1050521110005\n\n\
         ## 投资要点\n\n\
         公司矿产铜产量稳步增长，公司矿产金产量同比提升。公司海外项目推进顺利，公司成本优势明显。\n\n\
         ## 盈利预测\n\n\
         我们预计公司 2024-2025 年 EPS 分别为 {e0:.2}/{e1:.2} 元。\n\n\
         | 主要财务指标 | 2023A | 2024E | 2025E |\n\
         | --- | --- | --- | --- |\n\
         | 营业收入（百万元） | 293,403 | 320,000 | 350,000 |\n\
         | 归母净利润（百万元） | 21,119 | {p0:.0} | {p1:.0} |\n\
         | 每股收益（元） | 0.80 | {e0:.2} | {e1:.2} |\n\n\
         资料来源：Wind，{broker}研究所\n\n\
         ## 风险提示\n\n\
         金属价格波动风险。\n\n\
         {broker}研究所\n",
        e0 = eps[0],
        e1 = eps[1],
        p0 = net_profit[0],
        p1 = net_profit[1],
    )
}

/// An industry weekly that names 紫金矿业 without its code.
pub const WEEKLY: &str = "# 有色金属行业周报：铜价高位震荡\n\n2024-04-01\n\n## 本周要点\n\n\
【紫金矿业】成交价上行，本周铜价高位震荡，行业库存回落。行业需求稳定，行业供给偏紧。\n\n光大证券研究所\n";

/// Writes the notes (and, with `weekly`, the weekly) into `dir`; returns their paths in order.
pub fn write_notes(dir: &Path, weekly: bool) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = NOTES
        .iter()
        .enumerate()
        .map(|(i, note)| {
            let path = dir.join(format!("zijin_{i}.md"));
            std::fs::write(&path, markdown(note)).expect("write a note");
            path
        })
        .collect();
    if weekly {
        let path = dir.join("weekly.md");
        std::fs::write(&path, WEEKLY).expect("write the weekly");
        paths.push(path);
    }
    paths
}
