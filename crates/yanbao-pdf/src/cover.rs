//! Cover metadata: title, subtitle, institution, date, analysts with SAC numbers, report type,
//! rating and related reports, read from the first page (and the running text).

use once_cell::sync::Lazy;
use regex::Regex;
use yanbao_model::normalize::{fold, is_han};
use yanbao_model::{securities, Analyst, Report};

use crate::lines::{push_wrapped, Line};
use crate::order::reading_order;
use crate::page::{LayoutPage, TextLine};
use yanbao_vocab as vocab;

static SAC: Lazy<Regex> = Lazy::new(|| Regex::new(r"[SA][0-9]{13}").unwrap());
static NAME_BEFORE_ROLE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(\p{Han}{2,4})\s*[:：]?\s*[（(]?(?:首席)?(?:证券|助理)?(?:分析师|分析员|研究助理|联系人|研究员)(?:$|[）)：:\s])").unwrap()
});
static ROLE_BEFORE_NAME: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:首席)?(?:证券|助理)?(?:分析师|分析员|研究助理|联系人|研究员|作者)\s*[:：]?\s*(\p{Han}{2,4})(?:\s|$|[（(]|执业|S[0-9]|电话|邮箱|Tel|[0-9]|[\]】])").unwrap()
});
static NAME_BEFORE_CERTIFICATE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(\p{Han}{2,4})\s*[（(]?\s*(?:执业证书编号|证书编号|执业编号|资格编号|SAC|[SA][0-9]{13})").unwrap()
});
static NAME_ONLY: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(\p{Han}{2,4})$").unwrap());
static CONTACT: Lazy<Regex> = Lazy::new(|| Regex::new(r"执业证书|证书编号|资格编号|SAC|S[0-9]{13}|电话|邮箱|[Ee]-?mail|Tel|@|^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$").unwrap());
static COPYRIGHT: Lazy<Regex> = Lazy::new(|| Regex::new(r"Copyright\s*©\s*(?:[0-9]{4}\s+)?([A-Z][A-Za-z&.]+)").unwrap());
static SERIES_PREFIX: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(.{2,30}?(?:系列|专题|研究之|报告之|之[一二三四五六七八九十百]+|[（(][一二三四五六七八九十0-9]+[)）]))[：:]\s*(.{4,})$").unwrap());

/// Words that are never a person's name even when they look like one.
const NOT_NAMES: &[&str] = &[
    "分析师", "研究助理", "联系人", "研究员", "证券", "投资要点", "相关研究", "相关报告", "邮箱", "电话", "市场表现", "报告导读",
    "摘要", "核心观点", "执业证书", "金融工程", "团队", "作者", "首席", "股价表现", "基本数据", "投资评级",
    "日期", "数据", "指数", "市场", "行业", "评级", "目标", "价格", "资料", "来源", "联系", "地址", "网址",
    "分析员", "编号", "证书", "申明", "声明", "承诺", "简介", "介绍", "之一", "其中", "因子", "总而言之",
];

/// Lines that look big on a cover but are not its title.
const NOT_TITLES: &[&str] = &[
    "证券研究报告", "研究报告", "金融工程", "专题报告", "深度报告", "深度研究", "公司研究", "行业研究", "投资要点", "本报告导读",
    "摘要", "核心观点", "报告摘要", "金工研究", "量化研究", "策略研究", "投资策略", "宏观研究", "固定收益", "公司点评",
];

/// Reads the cover metadata into the report.
pub fn read_cover(pages: &[LayoutPage], report: &mut Report) {
    let Some(first) = pages.iter().find(|p| p.lines.iter().any(|l| !l.running)) else { return };
    let ordered = ordered_lines(first);
    let body_size = median_size(&ordered);
    if let Some((title, subtitle)) = find_title(&ordered, body_size) {
        report.title = title;
        report.subtitle = subtitle;
    } else if let Some(running) = report.running_text.iter().find(|r| running_title_candidate(r)) {
        // No cover (an excerpt): the running header names the document.
        report.title = running.clone();
    } else if let Some(first) = ordered.iter().find(|l| title_candidate(l)) {
        report.title = first.text.clone();
    }
    report.institution = find_institution(pages, &report.running_text);
    report.date = find_date(&ordered, &report.running_text, pages);
    report.year = report.date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok());
    let mut analysts = find_analysts(&ordered);
    if analysts.is_empty() {
        if let Some(second) = pages.get(1) {
            analysts = find_analysts(&ordered_lines(second));
        }
    }
    report.authors = analysts.iter().map(|a| a.name.clone()).collect();
    report.analysts = analysts;
    report.rating = ordered.iter().find_map(|l| vocab::rating::COVER_RATING.captures(&l.text).and_then(|c| c.get(1)).map(|m| m.as_str().to_string()));
    report.split_rating();
    report.report_type = find_report_type(&ordered);
    report.related_reports = find_related(&ordered);
}

/// Returns a page's lines (running text included) in reading order.
fn ordered_lines(page: &LayoutPage) -> Vec<&TextLine> {
    let geometry: Vec<&Line> = page.lines.iter().map(|l| &l.line).collect();
    reading_order(&geometry).into_iter().filter_map(|i| page.lines.get(i)).collect()
}

/// Median font size of a page's lines weighted by characters.
fn median_size(lines: &[&TextLine]) -> f32 {
    let mut sizes: Vec<(f32, usize)> = lines.iter().map(|l| (l.line.size, l.line.chars)).collect();
    sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = sizes.iter().map(|s| s.1).sum();
    let mut seen = 0;
    for (size, n) in sizes {
        seen += n;
        if seen * 2 >= total {
            return size;
        }
    }
    10.0
}

/// True when a cover line may be (part of) the title.
fn title_candidate(line: &TextLine) -> bool {
    let folded = fold(&line.text);
    let chars = folded.chars().count();
    if !(4..=80).contains(&chars) || line.running {
        return false;
    }
    let lower = folded.to_lowercase();
    let report_type_line = chars <= 8 && (folded.ends_with("报告") || folded.ends_with("研究"));
    let english_kind = ["whitepaper", "annualreport", "researchreport", "form10-k"].contains(&lower.as_str());
    if report_type_line || english_kind || folded.starts_with('—') {
        return false;
    }
    if NOT_TITLES.iter().any(|w| folded == *w) || vocab::brokers::PRINTED_NAMES.iter().any(|w| folded == *w || folded.strip_suffix("研究所") == Some(*w)) {
        return false;
    }
    if vocab::dates::find_date(&line.text).is_some() && chars < 16 {
        return false;
    }
    // A production credit (`制作：产品中心`) or a bare `国泰集团(603977.SH)` line names who made
    // the note or what it covers, never its headline.
    let credit_or_security = securities::is_production_credit(&line.text) || securities::is_security_line(&line.text);
    !(SAC.is_match(&folded) || CONTACT.is_match(&folded) || vocab::caption::parse_printed(&line.text).is_some() || vocab::rating::COVER_RATING.is_match(&folded) || credit_or_security)
}

/// Finds the title (largest cover text, wrapped lines joined) and a subtitle or series line.
pub fn find_title(lines: &[&TextLine], body_size: f32) -> Option<(String, Option<String>)> {
    // Each line is judged once (folding and several patterns per line).
    let candidate: Vec<bool> = lines.iter().map(|l| title_candidate(l)).collect();
    let top = lines.iter().zip(&candidate).filter(|(_, c)| **c).map(|(l, _)| l.line.size).fold(0.0f32, f32::max);
    if top <= 0.0 || top < body_size + 1.5 {
        return None;
    }
    let group: Vec<usize> = (0..lines.len()).filter(|&i| candidate[i] && (lines[i].line.size - top).abs() < 0.6).collect();
    let mut series_line = None;
    let mut start = *group.first()?;
    if group.len() >= 2 && is_series_line(&lines[start].text) {
        series_line = Some(lines[start].text.trim_end_matches(['：', ':']).trim().to_string());
        start = group[1];
    }
    let mut title = lines[start].text.clone();
    let mut last = &lines[start].line;
    for (next, &is_candidate) in lines[start + 1..].iter().zip(&candidate[start + 1..]) {
        let same_size = (next.line.size - top).abs() < 0.6;
        let close = next.line.y0 > last.y0 && next.line.y0 - last.y1 < 1.2 * last.height();
        let aligned = next.line.x0 < last.x1 && next.line.x1 > last.x0;
        if same_size && close && aligned && is_candidate {
            push_wrapped(&mut title, &next.text);
            last = &next.line;
        } else {
            break;
        }
    }
    let mut subtitle = series_line;
    // `主标题——系列名` on one line.
    if let Some((main, series)) = title.split_once("——") {
        if subtitle.is_none() && main.chars().count() >= 4 && series.chars().count() >= 2 {
            subtitle = Some(series.trim_start_matches('—').trim().to_string());
            title = main.trim().to_string();
        }
    }
    // A `——series` line near the title.
    for line in lines.iter() {
        let text = line.text.trim();
        if subtitle.is_none() && (text.starts_with("——") || text.starts_with("—")) && line.line.size > body_size - 0.5 && (line.line.y0 - lines[start].line.y0).abs() < 120.0 {
            subtitle = Some(text.trim_start_matches(['—', '-', ' ']).trim().to_string());
            break;
        }
    }
    if subtitle.is_none() {
        if let Some(c) = SERIES_PREFIX.captures(&title) {
            if let (Some(series), Some(rest)) = (c.get(1), c.get(2)) {
                subtitle = Some(series.as_str().to_string());
                title = rest.as_str().to_string();
            }
        }
    }
    Some((title.trim().to_string(), subtitle))
}

/// True for a series line printed above the title (`市场情绪指标专题（五）`, `新量化择时指标之二Tsharp：`,
/// `“量价淘金”选股因子系列研究（二）`): short, no colon inside, a series word or number at the end.
pub fn is_series_line(text: &str) -> bool {
    static SERIES_END: Lazy<Regex> = Lazy::new(|| Regex::new(r"([（(][一二三四五六七八九十0-9]+[)）]|之[一二三四五六七八九十百]+[A-Za-z]*|系列|系列研究|专题)\s*[：:]?$").unwrap());
    let trimmed = text.trim();
    let inner = trimmed.trim_end_matches(['：', ':']);
    inner.chars().count() <= 24 && !inner.contains('：') && !inner.contains(':') && SERIES_END.is_match(trimmed)
}

/// True for a running header that can stand as a title: long enough, not a date or a notice.
fn running_title_candidate(text: &str) -> bool {
    let chars = fold(text).chars().count();
    chars >= 6 && vocab::dates::find_date(text).is_none() && !["请", "阅读", "声明", "参阅", "Copyright", "©", "http", "www"].iter().any(|w| text.contains(w))
}

/// Finds the institution: a known broker named on the cover or in the running text, else the
/// most frequent `…证券` name, else an English `Copyright © Name` line.
pub fn find_institution(pages: &[LayoutPage], running: &[String]) -> Option<String> {
    // `上海证券交易所`, `中国证券报` name no broker: blank them out before counting.
    static NOT_BROKER: Lazy<Regex> = Lazy::new(|| Regex::new(r"证券(交易所|报|时报|日报|登记|业协会|监督管理|投资基金|市场|法)").unwrap());
    let scrub = |text: String| NOT_BROKER.replace_all(&text, "#").into_owned();
    let cover: String = scrub(pages.first().map(|p| p.lines.iter().map(|l| fold(&l.text)).collect()).unwrap_or_default());
    let running_text: String = scrub(running.iter().map(|r| fold(r)).collect());
    let back: String = scrub(pages.iter().rev().take(3).flat_map(|p| &p.lines).map(|l| fold(&l.text)).collect());
    let mut best: Option<(usize, &str)> = None;
    for name in vocab::brokers::PRINTED_NAMES {
        let score = 3 * cover.matches(name).count() + 2 * running_text.matches(name).count() + back.matches(name).count();
        if score > 0 && best.map(|(s, _)| score > s).unwrap_or(true) {
            best = Some((score, name));
        }
    }
    if let Some((_, name)) = best {
        return Some(vocab::canonical_broker(name).unwrap_or(name).to_string());
    }
    let edge_lines = pages.iter().take(3).chain(pages.iter().rev().take(2)).flat_map(|p| &p.lines).map(|l| l.text.as_str());
    copyright_holder(running, edge_lines).map(|name| vocab::canonical_broker(&name).map_or(name, str::to_string))
}

/// The holder of the document's own `Copyright © Name` notice: one in the running text (the
/// footer of every page: `Cboe Proprietary Information. Copyright © 2021 Cboe.`), or one on the
/// first or last pages whose holder the running text names too. A notice printed once under a
/// chart credits the data (`Copyright© 2023 S&P, a division of …` under a 10-K's performance
/// graph), not the document's publisher.
fn copyright_holder<'a>(running: &[String], edge_lines: impl Iterator<Item = &'a str>) -> Option<String> {
    let holder = |text: &str| COPYRIGHT.captures(text).and_then(|c| c.get(1)).map(|m| m.as_str().trim_end_matches('.').to_string());
    if let Some(name) = running.iter().find_map(|r| holder(r)) {
        return Some(name);
    }
    edge_lines.filter_map(holder).find(|name| running.iter().any(|r| r.contains(name.as_str())))
}

/// Finds the cover date: the first short dated line of the cover that is not a data cut-off.
fn find_date(lines: &[&TextLine], running: &[String], pages: &[LayoutPage]) -> Option<String> {
    let usable = |text: &str| !(text.contains("截至") || text.contains("截止") || text.contains("数据") || text.contains("区间"));
    let mut sorted: Vec<&&TextLine> = lines.iter().collect();
    sorted.sort_by(|a, b| a.line.y0.total_cmp(&b.line.y0));
    for line in &sorted {
        if line.text.chars().count() <= 40 && usable(&line.text) {
            if let Some(date) = vocab::dates::find_date(&line.text) {
                return Some(date);
            }
        }
    }
    for text in running {
        if let Some(date) = vocab::dates::find_date(text) {
            return Some(date);
        }
    }
    // Annual reports: `董事会批准报送日期：2021 年 4 月 21 日` on the last pages.
    for line in pages.iter().rev().flat_map(|p| &p.lines) {
        let folded = fold(&line.text);
        if ["报送日期", "批准报出", "报告日期", "发布日期", "报告发布日"].iter().any(|k| folded.contains(k)) {
            if let Some(date) = vocab::dates::find_date(&line.text) {
                return Some(date);
            }
        }
    }
    for line in pages.iter().take(2).flat_map(|p| &p.lines) {
        if usable(&line.text) {
            if let Some(date) = vocab::dates::find_date(&line.text) {
                return Some(date);
            }
        }
    }
    None
}

/// Returns the text before a qualification (`王汉锋，CFA` → `王汉锋`), or the whole short line;
/// a longer line (a sentence that happens to start with four characters and a comma) gives nothing.
fn name_before_qualification(folded: &str) -> String {
    match folded.split_once([',', '，']) {
        Some((name, rest)) if rest.chars().all(|c| c.is_ascii_alphabetic() || c == ' ' || c == ',' || c == '，') || rest == "博士" => name.to_string(),
        Some(_) => String::new(),
        None if folded.chars().count() <= 6 => folded.to_string(),
        None => String::new(),
    }
}

/// True for a plausible Chinese person name.
fn plausible_name(name: &str) -> bool {
    let count = name.chars().count();
    (2..=4).contains(&count) && name.chars().all(is_han) && !name.contains("研究") && !name.contains("报告") && !NOT_NAMES.iter().any(|w| name.contains(w) || w.contains(name))
}

/// Returns a cover line folded, without leading/trailing punctuation (`[分析师：` → `分析师`,
/// `：邱冠华执业证书…` → `邱冠华执业证书…`).
fn core_text(text: &str) -> String {
    fold(text).trim_matches(|c: char| !(c.is_alphanumeric())).to_string()
}

/// Returns the name a cover line introduces, if any.
pub fn name_in_line(text: &str) -> Option<String> {
    let folded = core_text(text);
    for pattern in [&*NAME_BEFORE_ROLE, &*ROLE_BEFORE_NAME, &*NAME_BEFORE_CERTIFICATE] {
        if let Some(name) = pattern.captures(&folded).and_then(|c| c.get(1)) {
            if plausible_name(name.as_str()) {
                return Some(name.as_str().to_string());
            }
        }
    }
    None
}

/// Finds the cover author block: names with roles, certificate numbers and contacts.
///
/// Works on geometry, not reading order: a name is accepted when its own line says so
/// (`分析师：严佳炜`, `林晓明执业证书编号：…`) or when a bare name has a contact, certificate or role
/// line beside it (same row, to the right) or right below it. Its SAC number is the nearest one
/// on the same row or within three lines below. Names under a `…团队` heading are a team sidebar.
fn find_analysts(lines: &[&TextLine]) -> Vec<Analyst> {
    let team_heads: Vec<&Line> = lines.iter().filter(|l| core_text(&l.text).contains("团队")).map(|l| &l.line).collect();
    let in_team = |line: &Line| team_heads.iter().any(|t| (line.x0 - t.x0).abs() < 8.0 && line.y0 > t.y0);
    let beside_or_below = |name: &Line, other: &Line| {
        let same_row = (other.center_y() - name.center_y()).abs() < 0.6 * name.height() && other.x0 >= name.x1 - 1.0 && other.x0 - name.x1 < 200.0;
        let below = other.y0 >= name.y1 - 1.0 && other.y0 - name.y1 < 2.5 * name.height() && (other.x0 - name.x0).abs() < 60.0;
        same_row || below
    };
    let role_left_or_above = |name: &Line, other: &Line| {
        let same_row = (other.center_y() - name.center_y()).abs() < 0.6 * name.height() && other.x1 <= name.x0 + 1.0 && name.x0 - other.x1 < 120.0;
        let above = other.y1 <= name.y0 + 1.0 && name.y0 - other.y1 < 2.5 * name.height() && (other.x0 - name.x0).abs() < 60.0;
        same_row || above
    };
    // A role label stands alone (`联系人`, `证券分析师：`), a contact line is short (`电话：…`).
    let is_role = |text: &str| text.chars().count() <= 8 && ["分析师", "分析员", "研究助理", "联系人", "研究员"].iter().any(|r| text.ends_with(r));
    let is_contact = |text: &str| text.chars().count() <= 45 && CONTACT.is_match(text);
    let mut found: Vec<(f32, f32, Analyst)> = Vec::new();
    for line in lines {
        if in_team(&line.line) {
            continue;
        }
        let folded = core_text(&line.text);
        let mut name = name_in_line(&line.text);
        if name.is_none() {
            // `王汉锋，CFA`: the name before a qualification.
            let bare = name_before_qualification(&folded);
            if let Some(candidate) = NAME_ONLY.captures(&bare).and_then(|c| c.get(1)).map(|m| m.as_str().to_string()) {
                let supported = plausible_name(&candidate)
                    && lines.iter().any(|other| {
                        let text = core_text(&other.text);
                        !std::ptr::eq(*other, *line)
                            && ((beside_or_below(&line.line, &other.line) && (is_contact(&text) || is_role(&text)))
                                || (role_left_or_above(&line.line, &other.line) && is_role(&text)))
                    });
                if supported {
                    name = Some(candidate);
                }
            }
        }
        let Some(name) = name else { continue };
        if found.iter().any(|(_, _, a)| a.name == name) {
            continue;
        }
        let sac = SAC.find(&folded).map(|m| m.as_str().to_string()).or_else(|| {
            lines
                .iter()
                .filter(|other| {
                    let same_row = (other.line.center_y() - line.line.center_y()).abs() < 0.6 * line.line.height() && other.line.x0 >= line.line.x1 - 1.0;
                    let below = other.line.y0 >= line.line.y1 - 1.0 && other.line.y0 - line.line.y1 < 3.5 * line.line.height() && (other.line.x0 - line.line.x0).abs() < 80.0;
                    (same_row || below) && name_in_line(&other.text).is_none()
                })
                .filter_map(|other| SAC.find(&fold(&other.text)).map(|m| (other.line.y0, m.as_str().to_string())))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, sac)| sac)
        });
        let role = ["研究助理", "联系人", "分析师", "分析员", "研究员"].iter().find(|r| folded.contains(*r)).map(|r| r.to_string());
        found.push((line.line.y0, line.line.x0, Analyst { name, sac, role }));
    }
    found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
    found.into_iter().map(|(_, _, analyst)| analyst).collect()
}

/// Finds the report type printed as `证券研究报告|公司点评` or a known type line.
fn find_report_type(lines: &[&TextLine]) -> Option<String> {
    for line in lines.iter().take(40) {
        let text = line.text.trim();
        if let Some((left, right)) = text.split_once(['|', '｜']) {
            if left.contains("报告") || left.contains("研究") {
                let right = right.trim();
                if !right.is_empty() && right.chars().count() <= 12 && vocab::dates::find_date(right).is_none() {
                    return Some(right.to_string());
                }
            }
        }
    }
    None
}

/// Collects the related-report titles listed under `相关研究` / `相关报告` on the cover.
fn find_related(lines: &[&TextLine]) -> Vec<String> {
    let Some(start) = lines.iter().position(|l| {
        let f = fold(&l.text);
        f == "相关研究" || f == "相关报告" || f == "相关研报" || f == "近期研究报告"
    }) else {
        return Vec::new();
    };
    let column = lines[start].line.x0;
    let mut related: Vec<String> = Vec::new();
    for line in &lines[start + 1..] {
        if (line.line.x0 - column).abs() > 40.0 {
            break;
        }
        let text = line.text.trim();
        let opens = text.starts_with('《') || text.chars().next().map(|c| c.is_ascii_digit()).unwrap_or(false) && text.contains('《');
        if opens || related.is_empty() {
            if !text.contains('《') && related.is_empty() {
                break;
            }
            related.push(text.to_string());
        } else if let Some(last) = related.last_mut() {
            last.push_str(text);
        }
        if related.len() >= 12 {
            break;
        }
    }
    related
}

/// What the cover metadata holds, folded, to recognise the cover lines it was read from.
#[derive(Debug, Clone, Default)]
pub struct CoverFacts {
    /// Analyst names.
    names: Vec<String>,
    /// Related-report titles, folded and joined.
    related: String,
}

impl CoverFacts {
    /// Collects the facts of a report whose cover was read.
    pub fn of(report: &Report) -> Self {
        CoverFacts { names: report.authors.iter().map(|n| fold(n)).collect(), related: report.related_reports.iter().map(|r| fold(r)).collect() }
    }
}

/// True for a cover line that the metadata holds rather than the body: an analyst's name, role
/// label, certificate number, phone or e-mail; the 相关研报 list; the date line
/// (光大: `胡骥聪`, `(执业证书编号：S0930519060002)`, `021-52523683`, `《RSRS择时及行业轮动…`).
pub fn is_cover_metadata(text: &str, facts: &CoverFacts) -> bool {
    let core = core_text(text);
    let chars = core.chars().count();
    if chars == 0 {
        return false;
    }
    const LABELS: &[&str] = &["分析师", "研究助理", "联系人", "研究员", "相关研报", "相关研究", "相关报告", "近期研究报告", "作者"];
    let label = chars <= 12 && LABELS.iter().any(|l| core.starts_with(l) || core.ends_with(l));
    let contact = chars <= 60 && (SAC.is_match(&core) || CONTACT.is_match(&core));
    let name = facts.names.iter().any(|n| !n.is_empty() && (core == *n || name_in_line(text).as_deref() == Some(n.as_str())));
    let related = chars >= 4 && facts.related.contains(&core);
    let date = chars <= 20 && vocab::dates::find_date(text).is_some() && core.chars().filter(|c| is_han(*c)).count() <= 6;
    label || contact || name || related || date
}

/// True for a line of contact details anywhere in a report (the cover's analyst contacts, the
/// back matter's sales directory): a phone, fax, post code or e-mail line that is mostly digits.
pub fn is_contact_line(text: &str) -> bool {
    static POSTAL: Lazy<Regex> = Lazy::new(|| Regex::new(r"邮编|传真|Fax|电话|Tel|@|^\(?[0-9+()\- ]{7,}$").unwrap());
    let core = core_text(text);
    core.chars().count() <= 80 && (CONTACT.is_match(&core) || POSTAL.is_match(&core)) && crate::numeric::numeric_share(&core) >= 0.4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_cover_lines() {
        assert_eq!(name_in_line("刘富兵（分析师）").as_deref(), Some("刘富兵"));
        assert_eq!(name_in_line("李辰：（分析师）").as_deref(), Some("李辰"));
        assert_eq!(name_in_line("林晓明执业证书编号：S0570516010001").as_deref(), Some("林晓明"));
        assert_eq!(name_in_line("刘均伟(执业证书编号：S0930517040001)").as_deref(), Some("刘均伟"));
        assert_eq!(name_in_line("分析师：严佳炜").as_deref(), Some("严佳炜"));
        assert_eq!(name_in_line("投资要点"), None);
        assert_eq!(name_in_line("丁一A0230514070006").as_deref(), Some("丁一"));
        assert_eq!(name_in_line("评级及分析师信息"), None);
        assert_eq!(name_in_line("助理分析师：丁睿雯").as_deref(), Some("丁睿雯"));
        assert_eq!(name_in_line("：邱冠华执业证书编号：S1230520010003").as_deref(), Some("邱冠华"));
        assert_eq!(name_in_line("证券分析师"), None);
    }

    #[test]
    fn qualifications_after_names() {
        assert_eq!(name_before_qualification("王汉锋,CFA"), "王汉锋");
        assert_eq!(name_before_qualification("流程为例,一一讨论研究者可能会在量化择时领域"), "");
        assert_eq!(name_before_qualification("陈烨"), "陈烨");
    }

    #[test]
    fn series_prefix_goes_to_subtitle() {
        let c = SERIES_PREFIX.captures("数量化专题之九十：综合期限多样性的趋势选股策略").unwrap();
        assert_eq!(&c[1], "数量化专题之九十");
        assert_eq!(&c[2], "综合期限多样性的趋势选股策略");
    }

    #[test]
    fn series_lines() {
        assert!(is_series_line("市场情绪指标专题（五）"));
        assert!(is_series_line("新量化择时指标之二Tsharp："));
        assert!(is_series_line("“量价淘金”选股因子系列研究（二）"));
        assert!(!is_series_line("“技术分析拥抱选股因子”系列研究（一）：高频价量相关性，意想不到的选股因子"));
        assert!(!is_series_line("不同交易者结构下的动量与反转"));
        // 东北 p1: a title wrapped after its colon is not a series line.
        assert!(!is_series_line("市场波动风险度量："));
    }

    #[test]
    fn a_chart_credit_is_not_the_publisher() {
        // samples/en_us_2022-alphabet-annual-report-56-59.pdf, under the stock performance graph.
        let credit = "Copyright© 2023 S&P, a division of The McGraw-Hill Companies Inc. All rights reserved.";
        let running = vec!["Table of Contents Alphabet Inc.".to_string()];
        assert_eq!(copyright_holder(&running, [credit].into_iter()), None);
        // en_qp_cboe_vixwhite.pdf: the footer of every page.
        let footer = "Cboe Proprietary Information. Copyright © 2021 Cboe. All rights reserved.";
        assert_eq!(copyright_holder(&[footer.to_string()], std::iter::empty()).as_deref(), Some("Cboe"));
        let named = vec!["Cboe Proprietary Information".to_string()];
        assert_eq!(copyright_holder(&named, [footer].into_iter()).as_deref(), Some("Cboe"));
    }

    #[test]
    fn cover_sidebar_lines_are_metadata() {
        // 光大 RSRS p1: the sidebar beside the summary.
        let report = Report { authors: vec!["胡骥聪".into()], related_reports: vec!["《基于阻力支撑相对强度（RSRS）的市场择时——技术择时系列报告之一》2017.05".into()], ..Report::default() };
        let facts = CoverFacts::of(&report);
        for line in ["胡骥聪", "(执业证书编号：S0930519060002)", "021-52523683", "hujICong@ebscn.com", "相关研报", "场择时——技术择时系列报告之一》", "2019年11月17日"] {
            assert!(is_cover_metadata(line, &facts), "{line}");
        }
        assert!(!is_cover_metadata("样本外RSRS择时策略整体表现较好。RSRS择时策略在样本外区间", &facts));
        assert!(!is_cover_metadata("2017年初，我们开发了RSRS指标与择时模型用以预测宽基指数的未", &facts));
    }

    #[test]
    fn contact_lines() {
        for line in ["邮编：100032", "传真：010-57671718", "0755-82130473", "Tel: (+65) 6572 1999", "18688989863", "电话：(86-21) 5879-6226"] {
            assert!(is_contact_line(line), "{line}");
        }
        assert!(!is_contact_line("电话会议中，管理层预计2023年收入增长20%"));
    }

    #[test]
    fn ratings() {
        assert!(vocab::rating::COVER_RATING.is_match("增持（维持）"));
        assert!(vocab::rating::COVER_RATING.is_match("买入"));
        assert!(!vocab::rating::COVER_RATING.is_match("买入评级的理由"));
    }
}
