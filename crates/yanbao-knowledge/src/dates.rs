//! Date expressions in Chinese and English running text, resolved to ISO dates.
//!
//! Every pattern is a small named regex; [`parse_dates`] runs them all, keeps the earliest and
//! longest non-overlapping matches, joins `A 至 B` pairs into ranges, and resolves missing years:
//! a date without a year takes the year of the nearest preceding date in the same text that
//! carried an explicit year together with a month, else the anchor year (moved back one year when
//! the month lies more than three months after the anchor month, since reports look back).

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// The report's own date, against which relative and year-less dates are resolved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateAnchor {
    /// The report's year (None if unknown).
    pub year: Option<i32>,
    /// The report's month, for 去年/今年 and for year-less months late in the year.
    pub month: Option<u32>,
}

/// How fine a date mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// A calendar day.
    Day,
    /// A calendar month.
    Month,
    /// A quarter (一季度, Q3 2021).
    Quarter,
    /// A half year (上半年, 1H23).
    Half,
    /// A year (2021 年).
    Year,
    /// A span between two dates (去年11月至今年4月, 10 月初), or a part of a year named in words
    /// (年初 = January, 年底 = December).
    Range,
}

impl Precision {
    /// Returns the lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Quarter => "quarter",
            Precision::Half => "half",
            Precision::Year => "year",
            Precision::Range => "range",
        }
    }
}

/// One date found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Byte offset of the first byte of the expression.
    pub start: usize,
    /// Byte offset just past the expression.
    pub end: usize,
    /// Start date, `YYYY-MM-DD`.
    pub date: String,
    /// Last day, for anything wider than a day (`YYYY-MM-DD`).
    pub date_end: Option<String>,
    /// How fine the date is.
    pub precision: Precision,
    /// The expression as written.
    pub text: String,
}

/// A calendar day (year, month, day); days are always valid for the month.
type Ymd = (i32, u32, u32);

/// Where a candidate's year came from, which decides how far it may be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YearSource {
    /// Written out (`2021 年`, `2021-11-12`).
    Explicit,
    /// 去年/今年/明年 against the anchor.
    Relative,
    /// Not written: filled in afterwards.
    Missing,
}

/// A matched expression before year resolution.
#[derive(Debug, Clone)]
struct Candidate {
    start: usize,
    end: usize,
    /// Year if known; filled later for [`YearSource::Missing`].
    year: Option<i32>,
    year_source: YearSource,
    /// Month span (first, last) and day span, resolved once the year is known.
    shape: Shape,
}

/// What a candidate denotes, independent of its year.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Day { month: u32, day: u32 },
    /// Days `first..=last` of one month (11月1日-5日, 10月上旬, 6 月底).
    DaySpan { month: u32, first: u32, last: Option<u32> },
    Month { month: u32 },
    /// Months `first..=last` (1-2 月; 年初 and 年底 are January and December).
    MonthSpan { first: u32, last: u32, precision: Precision },
    Quarter(u32),
    Half(u32),
    Year,
}

/// Returns every date mention of a text, in order, with byte spans into `text`.
///
/// Mentions whose year can be neither read nor inferred (no anchor) are left out, as are tenors
/// (`3 月期国债`), spans such as `近 3 月`, century decades (`21 世纪 20 年代`) and day counts
/// (`就任的297日`).
pub fn parse_dates(text: &str, anchor: &DateAnchor) -> Vec<DateMention> {
    let mut candidates = Vec::new();
    collect_chinese(text, anchor, &mut candidates);
    collect_numeric(text, &mut candidates);
    collect_english(text, &mut candidates);
    let chosen = pick_non_overlapping(candidates);
    let joined = join_ranges(text, chosen);
    resolve(text, anchor, joined)
}

// ---------------------------------------------------------------- patterns

static CN_MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?: (?P<y>\d{4}) \s* 年 \s* | (?P<ry>去年|今年|明年|前年|后年) \s* )?
        (?P<m>\d{1,2}) \s* 月 (?:份)?
        (?: \s* (?P<d>\d{1,2}) \s* [日号]
            (?: \s* [-—–~～至到] \s* (?P<d2>\d{1,2}) \s* [日号] )?
            (?: \s* (?:上午|下午|晚间|晚上|凌晨|早间|中午|盘后|盘中|晚) )?
          | \s* (?P<part>上旬|中旬|下旬|初|底|末) )?",
    )
    .expect("valid regex")
});

static CN_MONTH_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?P<y>\d{4})\s*年\s*|(?P<ry>去年|今年|明年)\s*)?(?P<m1>\d{1,2})\s*[-—–~～]\s*(?P<m2>\d{1,2})\s*月(?:份)?")
        .expect("valid regex")
});

static CN_YEAR_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?: (?P<y>\d{4}) \s* 年 \s* (?:度\s*)? | (?P<ry>去年|今年|明年|前年|后年) \s* )
        (?P<part> 上半年|下半年|年初|年底|年末|初|底|末|全年
               | (?:第\s*)?[一二三四1-4]\s*季度 | Q[1-4] | [1-4]Q | H[12] )?",
    )
    .expect("valid regex")
});

static CN_BARE_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"上半年|下半年|年初|年底|年末|第\s*[一二三四1-4]\s*季度|[一二三四]季度").expect("valid regex")
});

static ISO_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})[-/.](?P<d>\d{1,2})").expect("valid regex")
});

static ISO_MONTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})").expect("valid regex"));

static COMPACT_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})").expect("valid regex"));

static QUARTER_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
          (?P<y1>\d{4}|\d{2}) \s? (?P<q1>Q[1-4]|H[12])
        | (?P<q2>[1-4]Q|[12]H) (?P<y2>\d{4}|\d{2})
        | (?P<q3>Q[1-4]|H[12]) \s? (?P<y3>\d{4})",
    )
    .expect("valid regex")
});

const EN_MONTH: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

static EN_MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?P<mon>{EN_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"
    ))
    .expect("valid regex")
});

static EN_DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{EN_MONTH})\.?,?\s+(?P<y>\d{{4}})\b"))
        .expect("valid regex")
});

static EN_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b(?P<mon>{EN_MONTH})\.?,?\s+(?P<y>\d{{4}})\b")).expect("valid regex")
});

// ---------------------------------------------------------------- collectors

fn collect_chinese(text: &str, anchor: &DateAnchor, out: &mut Vec<Candidate>) {
    // Each pattern needs 月, 年 or 季 (most texts hold no month and no year): skipping a
    // pattern that cannot match changes nothing, and saves a scan of the text.
    let (has_month, has_year) = (text.contains('月'), text.contains('年'));
    if has_month {
        collect_months(text, anchor, out);
    }
    if has_year {
        collect_year_parts(text, anchor, out);
    }
    if has_year || text.contains('季') {
        for found in CN_BARE_PART.find_iter(text) {
            let shape = year_part_shape(found.as_str());
            out.push(Candidate { start: found.start(), end: found.end(), year: None, year_source: YearSource::Missing, shape });
        }
    }
}

/// `N 月 N 日` and `N-M 月` forms.
fn collect_months(text: &str, anchor: &DateAnchor, out: &mut Vec<Candidate>) {
    for caps in CN_MONTH_DAY.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if !digit_boundary_before(text, whole.start()) || is_not_a_calendar_month(text, whole.start(), whole.end(), &caps) {
            continue;
        }
        let Some(month) = number(&caps, "m").filter(|m| (1..=12).contains(m)) else { continue };
        let shape = match (number(&caps, "d"), number(&caps, "d2"), caps.name("part")) {
            (Some(day), None, _) => Shape::Day { month, day },
            (Some(first), Some(last), _) if last > first => Shape::DaySpan { month, first, last: Some(last) },
            (Some(day), Some(_), _) => Shape::Day { month, day },
            (None, _, Some(part)) => month_part_span(month, part.as_str()),
            (None, _, None) => Shape::Month { month },
        };
        let (year, year_source) = year_of(&caps, anchor);
        out.push(Candidate { start: whole.start(), end: whole.end(), year, year_source, shape });
    }
    for caps in CN_MONTH_SPAN.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if !digit_boundary_before(text, whole.start()) {
            continue;
        }
        let (Some(first), Some(last)) = (number(&caps, "m1"), number(&caps, "m2")) else { continue };
        if !(1..=12).contains(&first) || !(1..=12).contains(&last) || last <= first {
            continue;
        }
        let (year, year_source) = year_of(&caps, anchor);
        let shape = Shape::MonthSpan { first, last, precision: Precision::Range };
        out.push(Candidate { start: whole.start(), end: whole.end(), year, year_source, shape });
    }
}

/// `YYYY 年`, `去年` and the parts of a year after them.
fn collect_year_parts(text: &str, anchor: &DateAnchor, out: &mut Vec<Candidate>) {
    for caps in CN_YEAR_PART.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if !digit_boundary_before(text, whole.start()) {
            continue;
        }
        let (year, year_source) = year_of(&caps, anchor);
        if year_source == YearSource::Explicit && !year.is_some_and(plausible_year) {
            continue;
        }
        let shape = match caps.name("part") {
            Some(part) => year_part_shape(part.as_str()),
            None => Shape::Year,
        };
        out.push(Candidate { start: whole.start(), end: whole.end(), year, year_source, shape });
    }
}

/// Pushes the valid year-month-day matches of `pattern` (groups `y`, `m`, `d`) that `accept`
/// lets through (it sees the match's byte span).
fn collect_full_days(text: &str, pattern: &Regex, accept: impl Fn(usize, usize) -> bool, out: &mut Vec<Candidate>) {
    for caps in pattern.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if !accept(whole.start(), whole.end()) {
            continue;
        }
        let (Some(year), Some(month), Some(day)) = (number(&caps, "y"), number(&caps, "m"), number(&caps, "d")) else { continue };
        let year = year as i32;
        if plausible_year(year) && valid_day(year, month, day) {
            let shape = Shape::Day { month, day };
            out.push(Candidate { start: whole.start(), end: whole.end(), year: Some(year), year_source: YearSource::Explicit, shape });
        }
    }
}

fn collect_numeric(text: &str, out: &mut Vec<Candidate>) {
    // 2021.11.12 is a date, 2021.5 a number: the dotted form needs all three parts.
    collect_full_days(text, &ISO_DAY, |start, end| number_boundaries(text, start, end), out);
    for caps in ISO_MONTH.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if !number_boundaries(text, whole.start(), whole.end()) || followed_by_separator_digit(text, whole.end()) {
            continue;
        }
        let (Some(year), Some(month)) = (number(&caps, "y"), number(&caps, "m")) else { continue };
        let year = year as i32;
        if plausible_year(year) && (1..=12).contains(&month) {
            out.push(Candidate { start: whole.start(), end: whole.end(), year: Some(year), year_source: YearSource::Explicit, shape: Shape::Month { month } });
        }
    }
    collect_full_days(text, &COMPACT_DAY, |start, end| compact_date_is_unambiguous(text, start, end), out);
    for caps in QUARTER_CODE.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if !alnum_boundaries(text, whole.start(), whole.end()) {
            continue;
        }
        let year_text = caps.name("y1").or(caps.name("y2")).or(caps.name("y3")).map(|m| m.as_str()).unwrap_or("");
        let code = caps.name("q1").or(caps.name("q2")).or(caps.name("q3")).map(|m| m.as_str()).unwrap_or("");
        let Some(year) = expand_year(year_text) else { continue };
        let Some(shape) = quarter_code_shape(code) else { continue };
        out.push(Candidate { start: whole.start(), end: whole.end(), year: Some(year), year_source: YearSource::Explicit, shape });
    }
}

fn collect_english(text: &str, out: &mut Vec<Candidate>) {
    for caps in EN_MONTH_DAY.captures_iter(text).chain(EN_DAY_MONTH.captures_iter(text)) {
        let Some(whole) = caps.get(0) else { continue };
        let Some(month) = caps.name("mon").and_then(|m| english_month(m.as_str())) else { continue };
        let Some(day) = number(&caps, "d") else { continue };
        let year = number(&caps, "y").map(|y| y as i32);
        if year.is_some_and(|y| !plausible_year(y)) || !(1..=31).contains(&day) {
            continue;
        }
        let year_source = if year.is_some() { YearSource::Explicit } else { YearSource::Missing };
        out.push(Candidate { start: whole.start(), end: whole.end(), year, year_source, shape: Shape::Day { month, day } });
    }
    for caps in EN_MONTH_YEAR.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let Some(month) = caps.name("mon").and_then(|m| english_month(m.as_str())) else { continue };
        let Some(year) = number(&caps, "y").map(|y| y as i32).filter(|y| plausible_year(*y)) else { continue };
        out.push(Candidate { start: whole.start(), end: whole.end(), year: Some(year), year_source: YearSource::Explicit, shape: Shape::Month { month } });
    }
}

// ---------------------------------------------------------------- heuristics

/// True when a `N 月` match is not a calendar month: a tenor (`3 月期国债`), a trailing span
/// (`近 3 月`, `前 6 月`), or a bare number glued to a preceding number.
fn is_not_a_calendar_month(text: &str, start: usize, end: usize, caps: &Captures) -> bool {
    let has_day_or_part = caps.name("d").is_some() || caps.name("part").is_some();
    let has_year = caps.name("y").is_some() || caps.name("ry").is_some();
    if !has_day_or_part && text[end..].trim_start().starts_with('期') {
        return true;
    }
    if !has_year && !has_day_or_part {
        let before = text[..start].trim_end();
        for span_word in ["近", "前", "过去", "未来", "最近", "每", "后", "连续", "这", "隔", "逾", "超"] {
            if before.ends_with(span_word) {
                return true;
            }
        }
    }
    false
}

/// True when the character before `start` is not a digit, a decimal point or an ASCII letter.
fn digit_boundary_before(text: &str, start: usize) -> bool {
    match text[..start].chars().next_back() {
        Some(c) => !(c.is_ascii_alphanumeric() || c == '.' || c == '$'),
        None => true,
    }
}

/// True when a numeric date is not part of a longer number, code or version.
fn number_boundaries(text: &str, start: usize, end: usize) -> bool {
    let after_ok = match text[end..].chars().next() {
        Some(c) => !(c.is_ascii_alphanumeric() || c == '%' || c == '％'),
        None => true,
    };
    let decimal_after = text[end..].starts_with('.') && text[end + 1..].starts_with(|c: char| c.is_ascii_digit());
    digit_boundary_before(text, start) && after_ok && !decimal_after
}

fn followed_by_separator_digit(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    (rest.starts_with('-') || rest.starts_with('/') || rest.starts_with('.'))
        && rest[1..].starts_with(|c: char| c.is_ascii_digit())
}

/// True when an eight-digit run reads only as a date: standalone (not part of a longer number,
/// a code such as S0350522110003, an amount or a percentage).
fn compact_date_is_unambiguous(text: &str, start: usize, end: usize) -> bool {
    let before_ok = match text[..start].chars().next_back() {
        Some(c) => !(c.is_ascii_alphanumeric() || c == '.' || c == ',' || c == '-' || c == '+'),
        None => true,
    };
    let rest = text[end..].trim_start();
    let after_ok = match text[end..].chars().next() {
        Some(c) => !(c.is_ascii_alphanumeric() || c == '.' || c == ',' || c == '%'),
        None => true,
    };
    let unit_after = ["元", "万", "亿", "股", "份", "手", "吨", "%", "％", "个", "人", "辆"].iter().any(|u| rest.starts_with(u));
    before_ok && after_ok && !unit_after
}

fn alnum_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric());
    let after = text[end..].chars().next().is_none_or(|c| !c.is_ascii_alphanumeric());
    before && after
}

/// The span of days a month part (上旬, 初, 底) stands for.
fn month_part_span(month: u32, part: &str) -> Shape {
    match part {
        "上旬" | "初" => Shape::DaySpan { month, first: 1, last: Some(10) },
        "中旬" => Shape::DaySpan { month, first: 11, last: Some(20) },
        // `None` = the month's last day, known once the year is.
        _ => Shape::DaySpan { month, first: 21, last: None },
    }
}

/// The shape of a part of a year (上半年, 年底, 三季度, Q1).
fn year_part_shape(part: &str) -> Shape {
    let compact: String = part.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.as_str() {
        "上半年" | "H1" => Shape::Half(1),
        "下半年" | "H2" => Shape::Half(2),
        // The start and the end of a year are its first and last month, not a quarter: 年底 is
        // December, where a reader looks for it on a timeline, not October (Q4 is 四季度).
        "年初" | "初" => Shape::MonthSpan { first: 1, last: 1, precision: Precision::Range },
        "年底" | "年末" | "底" | "末" => Shape::MonthSpan { first: 12, last: 12, precision: Precision::Range },
        "全年" => Shape::Year,
        other => match other.chars().find(|c| "一二三四1234".contains(*c)) {
            Some(c) => Shape::Quarter(chinese_digit(c)),
            None => Shape::Year,
        },
    }
}

fn quarter_code_shape(code: &str) -> Option<Shape> {
    let digit = code.chars().find(|c| c.is_ascii_digit())?.to_digit(10)?;
    if code.contains('Q') {
        Some(Shape::Quarter(digit))
    } else {
        Some(Shape::Half(digit))
    }
}

fn chinese_digit(c: char) -> u32 {
    match c {
        '一' | '1' => 1,
        '二' | '2' => 2,
        '三' | '3' => 3,
        _ => 4,
    }
}

fn english_month(name: &str) -> Option<u32> {
    let key: String = name.chars().take(3).collect();
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    months.iter().position(|m| *m == key).map(|i| i as u32 + 1)
}

fn expand_year(text: &str) -> Option<i32> {
    let value: i32 = text.parse().ok()?;
    let year = if text.len() == 2 { 2000 + value } else { value };
    plausible_year(year).then_some(year)
}

fn plausible_year(year: i32) -> bool {
    (1900..=2100).contains(&year)
}

fn number(caps: &Captures, name: &str) -> Option<u32> {
    caps.name(name)?.as_str().parse().ok()
}

/// Reads the year of a Chinese match: written (`2021 年`) or relative (`去年`).
fn year_of(caps: &Captures, anchor: &DateAnchor) -> (Option<i32>, YearSource) {
    if let Some(year) = caps.name("y").and_then(|m| m.as_str().parse::<i32>().ok()) {
        return (Some(year), YearSource::Explicit);
    }
    if let Some(word) = caps.name("ry") {
        let offset = match word.as_str() {
            "前年" => -2,
            "去年" => -1,
            "明年" => 1,
            "后年" => 2,
            _ => 0,
        };
        return (anchor.year.map(|y| y + offset), YearSource::Relative);
    }
    (None, YearSource::Missing)
}

/// Returns the number of days of a month (0 for an invalid month).
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn valid_day(year: i32, month: u32, day: u32) -> bool {
    day >= 1 && day <= days_in_month(year, month)
}

// ---------------------------------------------------------------- assembly

/// Keeps the earliest, then longest, of overlapping candidates.
fn pick_non_overlapping(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut chosen: Vec<Candidate> = Vec::new();
    for candidate in candidates {
        if chosen.last().is_some_and(|last| candidate.start < last.end) {
            continue;
        }
        chosen.push(candidate);
    }
    chosen
}

/// A candidate joined with a following one by 至/到/-: a range.
#[derive(Debug, Clone)]
struct Joined {
    first: Candidate,
    last: Option<Candidate>,
}

/// Joins `A 至 B` / `A-B` pairs into one range.
fn join_ranges(text: &str, chosen: Vec<Candidate>) -> Vec<Joined> {
    let mut joined: Vec<Joined> = Vec::new();
    for candidate in chosen {
        if let Some(previous) = joined.last_mut() {
            let between = &text[previous.first.end..candidate.start];
            let is_connector = matches!(between.trim(), "至" | "到" | "-" | "—" | "–" | "~" | "～" | "－" | "至到");
            if previous.last.is_none() && is_connector && !matches!(candidate.shape, Shape::Year) {
                previous.last = Some(candidate);
                continue;
            }
        }
        joined.push(Joined { first: candidate, last: None });
    }
    joined
}

/// Fills missing years (context, then anchor) and renders the mentions.
fn resolve(text: &str, anchor: &DateAnchor, joined: Vec<Joined>) -> Vec<DateMention> {
    let mut context_year: Option<i32> = None;
    let mut mentions = Vec::new();
    for item in joined {
        if item.first.year_source == YearSource::Relative && item.first.year.is_none() {
            continue;
        }
        let first_year = item.first.year.or_else(|| missing_year(&item.first.shape, context_year, anchor));
        let Some(first_year) = first_year else { continue };
        if item.first.year_source == YearSource::Explicit && shape_has_month(&item.first.shape) {
            context_year = Some(first_year);
        }
        let Some((start_day, end_day, precision)) = span_of(first_year, &item.first.shape) else { continue };
        let (end, end_day, precision) = match &item.last {
            Some(last) => {
                let last_year = last.year.unwrap_or(first_year);
                match span_of(last_year, &last.shape) {
                    Some((last_start, last_end, _)) if last_end.unwrap_or(last_start) > start_day => {
                        (last.end, Some(last_end.unwrap_or(last_start)), Precision::Range)
                    }
                    _ => (item.first.end, end_day, precision),
                }
            }
            None => (item.first.end, end_day, precision),
        };
        let end_day = end_day.filter(|e| *e != start_day);
        mentions.push(DateMention {
            start: item.first.start,
            end,
            date: iso(start_day),
            date_end: end_day.map(iso),
            precision,
            text: text[item.first.start..end].to_string(),
        });
    }
    mentions
}

fn shape_has_month(shape: &Shape) -> bool {
    matches!(shape, Shape::Day { .. } | Shape::DaySpan { .. } | Shape::Month { .. })
}

/// The year of a year-less date: the context year, else the anchor year, one year back when the
/// month lies more than three months after the anchor month.
fn missing_year(shape: &Shape, context_year: Option<i32>, anchor: &DateAnchor) -> Option<i32> {
    if let Some(year) = context_year {
        return Some(year);
    }
    let year = anchor.year?;
    let month = match shape {
        Shape::Day { month, .. } | Shape::DaySpan { month, .. } | Shape::Month { month } => *month,
        _ => return Some(year),
    };
    match anchor.month {
        Some(anchor_month) if month > anchor_month + 3 => Some(year - 1),
        _ => Some(year),
    }
}

/// First day, last day (when wider than a day) and precision of a shape in a year.
fn span_of(year: i32, shape: &Shape) -> Option<(Ymd, Option<Ymd>, Precision)> {
    match *shape {
        Shape::Day { month, day } => valid_day(year, month, day).then_some(((year, month, day), None, Precision::Day)),
        Shape::DaySpan { month, first, last } => {
            let last = last.unwrap_or_else(|| days_in_month(year, month));
            (valid_day(year, month, first) && valid_day(year, month, last))
                .then_some(((year, month, first), Some((year, month, last)), Precision::Range))
        }
        Shape::Month { month } => {
            (1..=12).contains(&month).then_some(((year, month, 1), Some((year, month, days_in_month(year, month))), Precision::Month))
        }
        Shape::MonthSpan { first, last, precision } => Some(((year, first, 1), Some((year, last, days_in_month(year, last))), precision)),
        Shape::Quarter(q) if (1..=4).contains(&q) => {
            let last_month = q * 3;
            Some(((year, last_month - 2, 1), Some((year, last_month, days_in_month(year, last_month))), Precision::Quarter))
        }
        Shape::Half(h) if (1..=2).contains(&h) => {
            let last_month = h * 6;
            Some(((year, last_month - 5, 1), Some((year, last_month, days_in_month(year, last_month))), Precision::Half))
        }
        Shape::Year => Some(((year, 1, 1), Some((year, 12, 31)), Precision::Year)),
        _ => None,
    }
}

fn iso((year, month, day): Ymd) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}
