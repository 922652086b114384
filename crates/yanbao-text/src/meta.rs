//! Report metadata from the cover lines and the body: title, byline, date, year, analysts,
//! rating, report type, institution and language.

use crate::items::Item;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;
use yanbao_model::normalize::is_han;
use yanbao_model::{Analyst, BlockKind, Report};
use yanbao_vocab::brokers::PRINTED_BROKER;
use yanbao_vocab::rating::{RATING_LABEL, RATING_WITH_ACTION};

/// How many leading items count as the cover (where dates, analysts and ratings are printed).
const COVER_ITEMS: usize = 150;
/// How much text is sampled for language and year statistics.
const SAMPLE_BYTES: usize = 2 << 20;

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^【([^】]{2,20})】\s*[（(]\s*(?:(专栏作家|特约作者|作者|记者|撰稿|文)\s*[:：]?\s*)?([\p{Han}·]{2,6}(?:[、,，\s]+[\p{Han}·]{2,6})*)\s*[)）]").expect("valid regex")
});
static FULL_DATE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)[0-9]{2})\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日").expect("valid regex"));
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"((?:19|20)[0-9]{2})\s*年\s*[0-9]{1,2}\s*月").expect("valid regex"));
static ANY_YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"((?:19|20)[0-9]{2})\s*年").expect("valid regex"));
static AUTHOR_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:作者|撰写|执笔|撰稿人|Authors?)\s*[:：]\s*(.+)$").expect("valid regex"));
static SAC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"S[0-9]{13}").expect("valid regex"));
static ROLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(证券分析师|首席分析师|分析师|研究员|联系人|研究助理)\s*[:：]?\s*([\p{Han}]{2,3}?)(?:执业|证书|SAC|登记|邮箱|电话|[^\p{Han}]|$)").expect("valid regex")
});
static NAME_BEFORE_SAC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([\p{Han}]{2,3})\s*[（(]?\s*(?:SAC[^S]{0,12})?S[0-9]{13}").expect("valid regex"));
static REPORT_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(公司点评|公司研究|公司深度|公司报告|首次覆盖|行业周报|行业月报|行业点评|行业研究|行业深度|行业报告|宏观研究|宏观点评|宏观报告|策略研究|策略周报|策略报告|金融工程|固收研究|固定收益|债券研究|晨会纪要|事件点评|深度报告|专题报告|投资策略)").expect("valid regex")
});

/// Names that the analyst patterns catch but that are not people.
fn is_plausible_name(name: &str) -> bool {
    const NOT_NAMES: [&str; 27] = [
        "执业证书", "证书编号", "登记编码", "执业", "编号", "邮箱", "电话", "联系", "研究", "分析", "证券", "登记", "介绍", "声明",
        "简介", "承诺", "资格", "负责", "首席", "推荐", "预期", "团队", "助理", "组长", "观点", "行业", "公司",
    ];
    let count = name.chars().count();
    (2..=3).contains(&count) && !NOT_NAMES.iter().any(|w| name.contains(w))
}

/// Fills title, byline, dates, analysts, rating, type, institution and language.
pub fn fill(report: &mut Report, items: &[Item]) {
    report.title = title(items, report);
    byline(report);
    let cover: Vec<&str> = cover_lines(items);
    report.date = cover.iter().find_map(|line| cover_date(line));
    report.year = report.date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok()).or_else(|| plausible_year(report));
    report.analysts = analysts(&cover);
    if report.authors.is_empty() {
        report.authors = cover.iter().take(40).find_map(|line| authors_line(line)).unwrap_or_default();
    }
    for analyst in &report.analysts {
        if !report.authors.contains(&analyst.name) {
            report.authors.push(analyst.name.clone());
        }
    }
    report.rating = cover.iter().find_map(|line| rating_in(line));
    report.split_rating();
    report.report_type = cover.iter().take(40).find_map(|line| REPORT_TYPE.find(line).map(|m| m.as_str().to_string()));
    report.institution = institution(report, &cover);
    report.language = language(report).to_string();
}

/// Texts of the leading lines of the report (headings, paragraphs, list items, sources).
fn cover_lines(items: &[Item]) -> Vec<&str> {
    items
        .iter()
        .take(COVER_ITEMS)
        .filter_map(|item| match item {
            Item::Heading { text, .. } | Item::Text(text) | Item::ListItem(text) => Some(text.as_str()),
            Item::Caption(caption) => Some(caption.caption.as_str()),
            _ => None,
        })
        .collect()
}

/// The title: the first line near the top that reads like a title — a `#` heading that is not a
/// caption, a numbered section or a generic word (相关研究, 摘要), or a short plain cover line
/// that is not a banner, name, licence, date or rating — else the first heading or line at all.
fn title(items: &[Item], report: &Report) -> String {
    let mut seen_lines = 0;
    let mut first_heading: Option<&str> = None;
    // A company note's cover line (`金凯生科 (301509.SZ)`), if it prints one.
    let security_line = cover_lines(items).into_iter().find(|line| yanbao_model::securities::is_security_line(line));
    // Entries under a related-reports or risk heading are other reports' titles and risks; an
    // unnumbered line there can still be the title a two-column cover printed beside the list.
    let mut in_list_section = false;
    for item in items {
        match item {
            Item::Heading { hashes, text, numbering } if *hashes > 0 => {
                first_heading.get_or_insert(text.as_str());
                in_list_section = is_list_section(text);
                // The summary has begun (`投资要点`): a cover prints its headline above it, so
                // a note that printed none has lost it.
                if is_summary_heading(text) && security_line.is_some() {
                    break;
                }
                if !is_generic_title(text) && numbering.is_none() {
                    return text.clone();
                }
            }
            Item::Text(text) => {
                if !(in_list_section && LIST_ENTRY.is_match(text.trim())) && plausible_plain_title(text) {
                    return text.clone();
                }
                seen_lines += 1;
            }
            Item::ListItem(_) | Item::Table { .. } => seen_lines += 1,
            _ => {}
        }
        if seen_lines > 40 {
            break;
        }
    }
    if let Some(heading) = first_heading.filter(|h| !is_cover_label(h) && !is_generic_title(h)) {
        return heading.to_string();
    }
    // A company note whose converter lost the headline: the cover's security line names what it
    // is about (`充矿能源（600188. SH）/煤炭开采行业` → `充矿能源（600188. SH）`), where a body
    // line would be a box label, a related report or half a sentence.
    if let Some(line) = security_line {
        let line = line.trim();
        let end = line.find(['/', '|', '／']).unwrap_or(line.len());
        return line[..end].trim().to_string();
    }
    for block in &report.blocks {
        if matches!(block.kind, BlockKind::Heading | BlockKind::Paragraph) && !is_generic_title(&block.text) {
            let first_line = block.text.lines().next().unwrap_or("");
            return first_line.chars().take(80).collect();
        }
    }
    String::new()
}

/// Headings a note's summary starts with (`投资要点`, `核心观点`, `报告摘要`).
fn is_summary_heading(heading: &str) -> bool {
    let bare: String = heading.chars().filter(|c| !c.is_whitespace() && !matches!(c, '：' | ':' | '【' | '】' | '#')).collect();
    ["投资要点", "核心观点", "报告摘要", "摘要", "主要观点", "投资摘要"].contains(&bare.as_str())
}

/// Headings of the cover's lists of other reports and of risks (`相关报告`, `风险提示`).
fn is_list_section(heading: &str) -> bool {
    let bare: String = heading.chars().filter(|c| !c.is_whitespace() && !matches!(c, '：' | ':' | '【' | '】')).collect();
    ["相关研究", "相关报告", "近期研究", "近期报告", "往期回顾", "历史报告", "风险提示", "风险因素"].iter().any(|w| bare.contains(w))
}

/// Section words and cover lines that are never a report's title.
fn is_generic_title(text: &str) -> bool {
    const GENERIC: [&str; 28] = [
        "相关研究", "相关研究报告", "相关报告", "摘要", "投资要点", "核心观点", "目录", "图表目录", "事件", "评论", "点评", "分析师",
        "风险提示", "投资建议", "免责声明", "重要声明", "投资评级", "评级", "报告摘要", "主要观点", "内容目录", "正文目录", "证券研究报告", "研究报告",
        "证券分析师", "研究助理", "联系人", "研究员",
    ];
    const LABELS: [&str; 16] = [
        "关键词", "所属行业", "行业名称", "行业：", "市场价格", "当前价格", "投资评级", "风险提示", "目标价", "股票代码", "收盘价", "事件：",
        "报告日期", "发布日期", "公开市场操作", "分析师",
    ];
    if LABELS.iter().any(|label| text.trim_start().starts_with(label)) {
        return true;
    }
    // Section heads of a note's body (`经营分析`, `业绩简评`, `投资逻辑`).
    const SECTIONS: [&str; 8] = ["经营分析", "业绩简评", "投资逻辑", "盈利预测", "估值与评级", "事件点评", "核心逻辑", "投资亮点"];
    if SECTIONS.iter().any(|section| text.trim().trim_end_matches(['：', ':']) == *section) {
        return true;
    }
    let bare: String = text.trim().trim_end_matches(['：', ':']).chars().filter(|c| !c.is_whitespace()).collect();
    let length = bare.chars().count();
    GENERIC.contains(&bare.as_str())
        || text.trim_end().ends_with(['：', ':'])
        || length < 4
        || SAC.is_match(text)
        || text.contains('@')
        || ["执业", "咨询号", "证书", "登记编", "邮箱", "电话"].iter().any(|w| text.contains(w))
        || (length <= 3 && bare.chars().all(is_han))
        || (bare.starts_with('【') && bare.ends_with('】'))
        || AUTHOR_LINE.is_match(text)
        || rating_in(text).is_some()
        || text.contains("http")
        || text.contains("www.")
        || is_banner(text)
        || is_cover_label(text)
        || yanbao_model::securities::is_production_credit(text)
        || yanbao_model::securities::is_security_line(text)
}

/// An entry of a related-reports or risk list: numbered, a 《book title》, ending with a date,
/// or `X-新股专题覆盖报告（X）`.
static LIST_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9]{1,2}\s*[、.．)）]|《|(?:19|20)[0-9]{2}\s*[.\-/年]\s*[0-9]{1,2}(?:\s*[.\-/月]\s*[0-9]{1,2})?\s*日?\s*$|报告\s*[（(]").expect("valid regex")
});

static RELATED_OR_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9]{1,2}\s*[)）]|^[0-9]{1,2}\s*[、.．].{0,40}(?:点评|报告|研究)").expect("valid regex")
});

/// Headings of cover-page data boxes, chart legends and sections that converted covers turn
/// into `#` lines above the real title (`市场数据（人民币）`, `基本状况`, `行业相对表现`,
/// `…（右轴）`, `汽车|汽车零部件`, `第三，…`, `一一行业评级`, `强于大市`).
fn is_cover_label(text: &str) -> bool {
    const BOX_LABELS: [&str; 20] = [
        "市场数据", "基本状况", "基础数据", "行业相对表现", "相对表现", "最近一年", "股价走势", "财务报表", "财务摘要",
        "主要财务", "盈利预测", "行业评级", "强于大市", "弱于大市", "总股本", "总市值", "流通股", "流通市值", "行业总市值",
        "股价表现",
    ];
    const UNITS: [&str; 9] = ["（亿元）", "（亿股）", "（元/吨）", "（%）", "（万元）", "（元）", "(%)", "(元)", "（人民币）"];
    // Chart legends and data-box heads a cover draws around its price chart and tables
    // (`股价与行业一市场走势对比`, `沪深300指数`, `交易数据`, `公司财务报表数据预测汇总`).
    const CHART_AND_BOX_WORDS: [&str; 10] =
        ["走势对比", "市场表现", "交易数据", "数据预测", "财务报表数据", "财务指标", "沪深300", "上证指数", "价格区间", "基本情况"];
    let trimmed = text.trim().trim_start_matches(['一', '—', '-', ' ']);
    // A line led by a legend dash or a list dash (`一美国:Markit服务业PMI`, `- 收入: ToB业务…`):
    // a chart's series or a bullet, never a headline (`一、` numbering is not a dash).
    let start = text.trim_start();
    let dash_led = start.starts_with(['—', '-', '–']) || start.strip_prefix('一').is_some_and(|rest| !rest.starts_with(['、', '.', '．', '是', '季', '年', '月']));
    let headline_punctuation = text.contains(['：', ':', '，', ',']);
    (CHART_AND_BOX_WORDS.iter().any(|word| text.contains(word)) && !headline_punctuation && text.chars().count() <= 24)
        || dash_led
        || BOX_LABELS.iter().any(|label| trimmed.starts_with(label))
        || (text.chars().count() < 16 && UNITS.iter().any(|unit| text.trim_end().ends_with(unit)))
        || text.trim_start().starts_with('《')
        // A related report (`1、穴矿能源(600188.SH) 2022年中报点评报告：…一2022.08.28`) or a list
        // item cut from its sentence (`2 )新一轮激励政策…`).
        || RELATED_OR_ITEM.is_match(text.trim())
        || text.contains("右轴")
        || text.contains("左轴")
        || text.contains('|')
        || ["第一，", "第二，", "第三，", "第四，", "首先，", "其次，"].iter().any(|ordinal| text.trim_start().starts_with(ordinal))
}

/// A plain cover line that can stand as a title: short, no sentence end, not generic.
fn plausible_plain_title(text: &str) -> bool {
    let length = text.chars().count();
    let han = text.chars().filter(|c| is_han(*c)).count();
    let latin_words = text.split_whitespace().filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2).count();
    let starts_like_text = text.chars().next().is_some_and(|c| c.is_alphanumeric() || matches!(c, '“' | '《' | '【' | '"'));
    (6..=60).contains(&length)
        && (han >= 4 || latin_words >= 3)
        && starts_like_text
        && !text.ends_with(['。', '；', ';', '，', ','])
        && !text.contains(['。', '；'])
        && !is_generic_title(text)
        && date_in(text).is_none()
        && !["分析师", "研究员", "联系人", "www.", "http"].iter().any(|w| text.contains(w))
}

/// True for generic banner lines printed above the title.
fn is_banner(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || t.starts_with("证券研究报告") || t.ends_with("证券研究报告") || t.chars().count() < 4 || date_in(t).is_some() && t.chars().count() < 16
}

/// Takes `【财新网】（专栏作家 高瑞东）` off the first paragraphs: publisher 财新网, authors [高瑞东].
fn byline(report: &mut Report) {
    for block in report.blocks.iter_mut().take(8) {
        if block.kind != BlockKind::Paragraph {
            continue;
        }
        let Some(caps) = BYLINE.captures(&block.text) else {
            continue;
        };
        let publisher = caps.get(1).map(|m| m.as_str().trim().to_string());
        let names: Vec<String> = caps
            .get(3)
            .map(|m| m.as_str().split(['、', ',', '，', ' ']).filter(|n| !n.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        let end = caps.get(0).map_or(0, |m| m.end());
        report.publisher = publisher;
        report.authors = names;
        block.text = block.text[end..].trim_start().to_string();
        return;
    }
}

/// Returns the names of an `作者: 曹晓婧` cover line.
fn authors_line(line: &str) -> Option<Vec<String>> {
    let caps = AUTHOR_LINE.captures(line)?;
    let names: Vec<String> = caps
        .get(1)?
        .as_str()
        .split(['、', ',', '，', ' ', '/'])
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 20)
        .map(str::to_string)
        .collect();
    (!names.is_empty() && names.len() <= 8).then_some(names)
}

/// Returns the report date of a cover line: a line that is mostly a date (`2023 年 07 月 15 日`,
/// `2023.3 .17`) or labelled as one (`发布日期：2023-07-15`), or a report type followed by a
/// compact date (`宏观点评 20230202`); not a dated related-report title.
fn cover_date(line: &str) -> Option<String> {
    if let Some(date) = typed_compact_date(line) {
        return Some(date);
    }
    let date = date_in(line)?;
    let labelled = ["日期", "发布时间", "报告时间"].iter().any(|w| line.contains(w));
    let short = line.chars().count() <= 24;
    let listed = line.contains('《') || line.contains('》');
    ((labelled || short) && !listed).then_some(date)
}

/// Returns the date of a `宏观点评 20230202` line: a report type, then a `YYYYMMDD` date and
/// nothing else (an eight-digit number anywhere else may be an amount or a code).
fn typed_compact_date(line: &str) -> Option<String> {
    let line = line.trim();
    let kind = REPORT_TYPE.find(line).filter(|m| m.start() == 0)?;
    let digits = line[kind.end()..].trim_start_matches([' ', '\u{3000}', '|', '｜', ':', '：']).trim_end();
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    date_in(&format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]))
}

pub use yanbao_vocab::dates::date_in;

/// The most plausible report year when no date is printed: the most frequent year of full dates
/// (2021年11月12日), else of year-months, else of any `YYYY 年` (later year wins ties).
fn plausible_year(report: &Report) -> Option<i32> {
    let mut text = String::new();
    for block in &report.blocks {
        if text.len() > SAMPLE_BYTES {
            break;
        }
        text.push_str(&block.text);
        text.push('\n');
    }
    for notes in report.figures.iter().filter_map(|f| f.notes.as_deref()) {
        text.push_str(notes);
        text.push('\n');
    }
    for pattern in [&*FULL_DATE_YEAR, &*MONTH_YEAR, &*ANY_YEAR] {
        let mut counts: HashMap<i32, usize> = HashMap::new();
        for caps in pattern.captures_iter(&text) {
            if let Some(year) = caps.get(1).and_then(|m| m.as_str().parse::<i32>().ok()) {
                if (1990..=2100).contains(&year) {
                    *counts.entry(year).or_default() += 1;
                }
            }
        }
        if let Some((year, _)) = counts.into_iter().max_by_key(|(year, count)| (*count, *year)) {
            return Some(year);
        }
    }
    None
}

/// Analysts with SAC numbers from the cover: `证券分析师 王平 执业证书：S0600523020004`, a name
/// followed by its number on the next line, or `黄红卫（S0530519010001）`.
fn analysts(cover: &[&str]) -> Vec<Analyst> {
    let mut found: Vec<Analyst> = Vec::new();
    let mut pending: Option<Analyst> = None;
    for (index, line) in cover.iter().enumerate() {
        let role_names: Vec<regex::Captures> = ROLE_NAME.captures_iter(line).collect();
        let sacs: Vec<regex::Match> = SAC.find_iter(line).collect();
        if !role_names.is_empty() {
            // Each role-name takes the first SAC number after it and before the next role-name.
            for (position, caps) in role_names.iter().enumerate() {
                let role = caps.get(1).map(|m| m.as_str().to_string());
                let name = caps.get(2).map_or("", |m| m.as_str()).to_string();
                if !is_plausible_name(&name) {
                    continue;
                }
                if let Some(previous) = pending.take() {
                    push_analyst(&mut found, previous);
                }
                let start = caps.get(0).map_or(0, |m| m.end());
                let end = role_names.get(position + 1).and_then(|c| c.get(0)).map_or(line.len(), |m| m.start());
                let sac = sacs.iter().find(|m| m.start() >= start && m.start() < end).map(|m| m.as_str().to_string());
                let analyst = Analyst { name, sac, role };
                if analyst.sac.is_some() {
                    push_analyst(&mut found, analyst);
                } else {
                    pending = Some(analyst);
                }
            }
            continue;
        }
        let sac = sacs.first().map(|m| m.as_str().to_string());
        if pending.is_none() && index > 0 && sac.is_some() {
            // A bare name on the line before (or in the same line before the number).
            if let Some(caps) = NAME_BEFORE_SAC.captures(line) {
                let name = caps.get(1).map_or("", |m| m.as_str());
                if is_plausible_name(name) {
                    pending = Some(Analyst { name: name.to_string(), sac: None, role: None });
                }
            } else if let Some(previous_line) = cover.get(index - 1) {
                let candidate = previous_line.trim();
                if is_plausible_name(candidate) && candidate.chars().all(is_han) {
                    pending = Some(Analyst { name: candidate.to_string(), sac: None, role: None });
                }
            }
        }
        if let Some(number) = sac {
            if let Some(mut analyst) = pending.take() {
                analyst.sac = Some(number);
                push_analyst(&mut found, analyst);
            }
        }
    }
    if let Some(analyst) = pending {
        push_analyst(&mut found, analyst);
    }
    found
}

fn push_analyst(found: &mut Vec<Analyst>, analyst: Analyst) {
    if let Some(existing) = found.iter_mut().find(|a| a.name == analyst.name) {
        if existing.sac.is_none() {
            existing.sac = analyst.sac;
        }
        return;
    }
    // A role word with no SAC number is too weak on its own unless it names a role explicitly.
    if analyst.sac.is_some() || analyst.role.is_some() {
        found.push(analyst);
    }
}

/// Returns a rating printed on a cover line: `增持（维持）`, `买入`, `推荐 维持评级` → `推荐（维持）`.
pub fn rating_in(line: &str) -> Option<String> {
    let line = line.trim();
    let labelled = RATING_LABEL.find(line).map(|m| &line[m.end()..]);
    let candidate = match labelled {
        Some(rest) => rest.trim(),
        None if line.chars().count() <= 12 => line,
        None => return None,
    };
    let caps = RATING_WITH_ACTION.captures(candidate)?;
    let whole = caps.get(0)?;
    if labelled.is_none() && whole.start() != 0 {
        return None;
    }
    let word = caps.get(1)?.as_str();
    match caps.get(2).or_else(|| caps.get(3)) {
        Some(action) => Some(format!("{word}（{}）", action.as_str())),
        None => Some(word.to_string()),
    }
}

/// The institution: the broker most named in source lines (`…, 光大证券研究所`), else a broker
/// named on the cover; a registered broker by its one canonical name (`光大证券`).
fn institution(report: &Report, cover: &[&str]) -> Option<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let sources = report
        .tables
        .iter()
        .filter_map(|t| t.source.as_deref())
        .chain(report.figures.iter().filter_map(|f| f.source.as_deref()));
    for source in sources {
        for part in source.split([',', '，', '、', ';', '；', ' ']) {
            if let Some(name) = broker_in(part) {
                *counts.entry(canonical(name)).or_default() += 1;
            }
        }
    }
    if let Some((name, _)) = counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0))) {
        return Some(name);
    }
    // Cover lines: short ones (a logo, a header) or ones naming the firm in full.
    cover
        .iter()
        .take(60)
        .filter(|line| line.chars().count() <= 30 || line.contains("研究所") || line.contains("研究院") || line.contains("有限公司"))
        .find_map(|line| broker_in(line))
        .map(canonical)
}

/// The one name of a registered broker (`光大证券研究所` → `光大证券`), else the name as printed.
fn canonical(name: String) -> String {
    yanbao_vocab::canonical_broker(&name).map_or(name, str::to_string)
}

/// Returns a broker name in a text: `中国银河证券研究院整理` → `中国银河证券研究院`,
/// `本报告版权属于中原证券股份有限公司` → `中原证券股份有限公司`; not the `证券研究报告` banner.
fn broker_in(text: &str) -> Option<String> {
    const CUT_AFTER: [&str; 13] = ["属于", "来自", "加入", "整理自", "版权", "报告", "关于", "以及", "或", "的", "下调", "上调", "仅供"];
    const LEADING: [char; 10] = ['由', '据', '自', '和', '及', '与', '于', '年', '月', '日'];
    for caps in PRINTED_BROKER.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let after = &text[whole.end()..];
        let before = &text[..whole.start()];
        let generic_use = ["研究报告", "报告", "业", "投资咨询", "从业", "相关业务", "市场", "账户"].iter().any(|w| after.starts_with(w));
        if generic_use || before.ends_with("本人具有") || before.ends_with("本人已在") || whole.as_str().starts_with("本人") {
            continue;
        }
        let mut base = caps.get(1).map_or("", |m| m.as_str());
        for marker in CUT_AFTER {
            if let Some(position) = base.rfind(marker) {
                base = &base[position + marker.len()..];
            }
        }
        base = base.trim_start_matches(LEADING);
        // Words of a sentence, not of a firm's name (`研究所证券`, `核心组合证券代码证券`).
        let firm = base.strip_suffix("证券").or_else(|| base.strip_suffix("期货")).or_else(|| base.strip_suffix("资信")).unwrap_or(base);
        if ["证券", "研究", "代码"].iter().any(|word| firm.contains(word)) {
            continue;
        }
        let suffix = caps.get(2).map_or("", |m| m.as_str());
        if base.chars().count() >= 4 {
            return Some(format!("{base}{suffix}"));
        }
    }
    None
}

/// `zh` when Han characters dominate the text, else `en`.
fn language(report: &Report) -> &'static str {
    let mut han = 0usize;
    let mut latin = 0usize;
    let mut seen = 0usize;
    let texts = std::iter::once(report.title.as_str()).chain(report.blocks.iter().map(|b| b.text.as_str()));
    for text in texts {
        for c in text.chars() {
            if is_han(c) {
                han += 1;
            } else if c.is_ascii_alphabetic() {
                latin += 1;
            }
        }
        seen += text.len();
        if seen > SAMPLE_BYTES {
            break;
        }
    }
    // A Han character carries about a word; an English word is about five letters.
    if han * 5 >= latin { "zh" } else { "en" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_on_cover_lines() {
        assert_eq!(date_in("2023 年 07 月 15 日").as_deref(), Some("2023-07-15"));
        assert_eq!(date_in("2023.3 .17").as_deref(), Some("2023-03-17"));
        assert_eq!(date_in("行业数据时间 2022.09. 23").as_deref(), Some("2022-09-23"));
        assert_eq!(date_in("2022 年中期选举在即"), None);
    }

    #[test]
    fn cover_dates_are_not_related_report_dates() {
        assert_eq!(cover_date("2023 年 07 月 15 日").as_deref(), Some("2023-07-15"));
        assert_eq!(cover_date("发布日期：2023年7月15日，星期六，交易日").as_deref(), Some("2023-07-15"));
        assert_eq!(cover_date("1.《加强实质性监管，中小银行或迎挑战》, 2023.02.16"), None);
        assert_eq!(cover_date("2.建材新材料动态报告：碳纤维是人形机器人轻量化的核心材料-2023/11/13"), None);
        // mpb_美联储加息如期放缓.md: the cover line under the title.
        assert_eq!(cover_date("宏观点评 20230202").as_deref(), Some("2023-02-02"));
        assert_eq!(cover_date("行业周报｜20230227").as_deref(), Some("2023-02-27"));
        assert_eq!(cover_date("宏观点评 20231345"), None, "not a calendar day");
        assert_eq!(cover_date("公司点评 订单金额 20230202 元"), None);
    }

    #[test]
    fn cover_box_labels_are_not_titles() {
        for label in ["市场数据（人民币）", "基本状况", "行业相对表现", "一一行业评级", "强于大市", "汽车|汽车零部件",
            "第三，联邦基金利率期货隐含加息预期已经从最高点回落。", "最近一年行业指数与沪深300比较",
            "企业债公司债短期融资券期票据定向工具一企业债+公司债：占比（右轴）", "总股本（亿股）", "行业总市值（亿元）",
            "《中小盘行业周报：蔚来获批造车资质, 2023Q3", "股价与行业一市场走势对比", "沪深300指数", "交易数据",
            "公司财务报表数据预测汇总", "2024年3月3日太阳能行业近一年市场表现", "-收入: ToB业务初显峥嵘",
            "一2022年至今全国浮法玻璃月度均价（元/吨）", "一美国:Markit服务业PMI:商务活动：季调一美国:Markit制造业PMI",
            "成长能力(%)", "公司基本情况（人民币）", "12个月价格区间", "2 )新一轮激励政策绑定核心人才：公司推出新一轮股权激励",
            "1、穴矿能源(600188.SH) 2022年中报点评报告：全球煤价上涨，业绩续创新高一2022.08.28"] {
            assert!(is_cover_label(label), "{label}");
        }
        for title in ["晶圆代工龙头，产能扩张与技术追赶并举", "舍得酒业(600702):双品牌战略不变，老酒战略深入推进", "中美元首视频会晤, 可能谈些什么",
            "一季度业绩超预期，全年高增可期", "沪深300成分股调整点评：新进成分股的机会与风险"] {
            assert!(!is_cover_label(title), "{title}");
        }
    }

    #[test]
    fn a_note_that_lost_its_headline_is_titled_by_its_security_line() {
        // research_report_507ad7ef…: the cover's boxes and chart legend, no headline.
        let cover = "充矿能源（600188. SH）/煤炭开采行业\n\n| 评级: 买入（维持） |  |\n| :---: | :---: |\n\n## 股价与行业一市场走势对比\n\n## 相关报告\n\n1、穴矿能源 (600188.SH) 2022 年中报点评报告：全球煤价上涨，业绩续创新高一2022.08.28\n\n## 投资要点\n\n公司发布 2022 年三季度报告。\n";
        let report = crate::parse_text(cover.as_bytes(), "note.md").expect("parses");
        assert_eq!(report.title, "充矿能源（600188. SH）");
    }

    #[test]
    fn brokers_after_conjunctions() {
        assert_eq!(broker_in("竞争性因素以及开源证券股份有限公司").as_deref(), Some("开源证券股份有限公司"));
        assert_eq!(broker_in("本报告版权属于中原证券股份有限公司").as_deref(), Some("中原证券股份有限公司"));
    }

    #[test]
    fn credits_and_bare_security_lines_are_not_titles() {
        for cover in [
            "制作：产品中心\n\n# 国泰集团(603977.SH)\n\n## 民爆主业稳健增长，矿服业务打开空间\n\n买入（维持）\n",
            "国泰集团(603977.SH)\n\n制作：产品中心\n\n民爆主业稳健增长，矿服业务打开空间\n\n正文。\n",
        ] {
            let report = crate::parse_text(cover.as_bytes(), "note.md").expect("parses");
            assert_eq!(report.title, "民爆主业稳健增长，矿服业务打开空间", "{cover}");
        }
    }

    #[test]
    fn ratings() {
        assert_eq!(rating_in("增持（维持）").as_deref(), Some("增持（维持）"));
        assert_eq!(rating_in("买入").as_deref(), Some("买入"));
        assert_eq!(rating_in("推荐 维持评级").as_deref(), Some("推荐（维持）"));
        assert_eq!(rating_in("投资评级：买入（首次）").as_deref(), Some("买入（首次）"));
        assert_eq!(rating_in("我们维持对公司的增持判断，因为业绩改善。"), None);
    }

    #[test]
    fn analysts_with_sac() {
        let found = analysts(&["证券分析师 王平 执业证书：S0600523020004"]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "王平");
        assert_eq!(found[0].sac.as_deref(), Some("S0600523020004"));
        let found = analysts(&["中泰证券电新首席分析师曾彪", "执业证书编号: S0740522020001"]);
        assert_eq!(found[0].name, "曾彪");
        assert_eq!(found[0].sac.as_deref(), Some("S0740522020001"));
        let found = analysts(&["证券分析师王平执业证书：S0600523020004", "研究助理李明"]);
        assert_eq!((found[0].name.as_str(), found[1].name.as_str()), ("王平", "李明"));
        let found = analysts(&["证券分析师鲍娴颖执业证书：S0600521080008 baoxy@dwzq.com.cn研究助理卞学清执业证书：S0600121070043"]);
        assert_eq!(found.len(), 2);
        assert_eq!((found[1].name.as_str(), found[1].sac.as_deref()), ("卞学清", Some("S0600121070043")));
        let found = analysts(&["分析师", "甄唯萱", "分析师登记编码：S0130520050002"]);
        assert_eq!(found[0].name, "甄唯萱");
    }

    #[test]
    fn author_lines() {
        assert_eq!(authors_line("作者: 曹晓婧"), Some(vec!["曹晓婧".to_string()]));
        assert!(is_generic_title("作者：曹晓婧"));
        assert!(is_generic_title("【分析师介绍】"));
        assert!(is_generic_title("相关研究报告："));
        assert!(!is_generic_title("中美元首视频会晤，可能谈些什么"));
        assert!(!plausible_plain_title("021-53686148"));
        assert!(!plausible_plain_title("—801710. SI建筑村料一000001. SH上证碂指"));
        assert!(plausible_plain_title("晶圆代工龙头，产能扩张与技术追赶并举"));
    }

    #[test]
    fn brokers() {
        assert_eq!(broker_in("光大证券研究所").as_deref(), Some("光大证券研究所"));
        assert_eq!(broker_in("中国银河证券研究院整理").as_deref(), Some("中国银河证券研究院"));
        assert_eq!(broker_in("美国财政部"), None);
        assert_eq!(broker_in("本报告版权属于中原证券股份有限公司www.ccnew.com").as_deref(), Some("中原证券股份有限公司"));
        assert_eq!(broker_in("医药生物证券研究报告"), None);
        // Sentence words glued to 证券 by a converter that lost line breaks are not firms.
        assert_eq!(broker_in("核心组合证券代码证券"), None);
        assert_eq!(broker_in("研究所证券"), None);
        assert_eq!(broker_in("本报告仅供广州广证恒生证券研究所客户使用").as_deref(), Some("广州广证恒生证券研究所"));
        assert_eq!(broker_in("米金刚线项目投资"), None);
        assert_eq!(broker_in("wind 国投安信期货").as_deref(), Some("国投安信期货"));
        assert_eq!(broker_in("2019年加入德邦证券").as_deref(), Some("德邦证券"));
        assert_eq!(broker_in("本人具有中国证券业协会授予的证券投资咨询执业资格"), None);
    }
}
