//! Securities and the broker's view of them: stock codes as brokers print them, rating words
//! and rating actions, and the cover lines that name a security rather than title a report.
//!
//! The vocabulary lives here, beside the report fields it fills, so that both parsers and the
//! knowledge layer read a code or a rating the same way. No regular expressions: a code is
//! read by a small scanner that can be told exactly which neighbours make a digit run not a code
//! (dates such as `20230202`, phone numbers, amounts such as `1,600,519`, decimals).

use serde::{Deserialize, Serialize};

/// A security as identified by a code: `600519` on `SH`, `0700` on `HK`, `AAPL` on `NASDAQ`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Security {
    /// The code without its exchange: six digits for A-shares, four or more for Hong Kong
    /// (`0700`, leading zeros beyond four dropped), the ticker for US listings.
    pub code: String,
    /// `SH`, `SZ`, `BJ`, `HK`, `NASDAQ`, `NYSE` or `US`; for a bare A-share code, the exchange
    /// its number range belongs to.
    pub exchange: Option<String>,
}

/// A listed company a library knows: the name it was first printed with beside its code, and
/// the other names it goes by. What the knowledge layer's company registry learns from reports
/// and the store keeps, so a later report naming only the company links to its code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownCompany {
    /// The name it was first printed with beside its code.
    pub name: String,
    /// Code without exchange.
    pub code: String,
    /// Exchange, when known.
    pub exchange: Option<String>,
    /// Other names it goes by (`茅台` for 贵州茅台; other spellings printed beside the same code).
    pub aliases: std::collections::BTreeSet<String>,
}

impl KnownCompany {
    /// Its key in a registry: `601899.SH`, or the code alone when the exchange is unknown.
    pub fn key(&self) -> String {
        Security { code: self.code.clone(), exchange: self.exchange.clone() }.key()
    }

    /// The company as the report model writes it.
    pub fn to_company(&self) -> crate::Company {
        crate::Company { name: self.name.clone(), code: Some(self.code.clone()), exchange: self.exchange.clone() }
    }
}

impl Security {
    /// `601899.SH`, or the code alone when the exchange is unknown: one key per listing.
    pub fn key(&self) -> String {
        match &self.exchange {
            Some(exchange) => format!("{}.{exchange}", self.code),
            None => self.code.clone(),
        }
    }
}

/// A code found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMatch {
    /// Byte range of the code as printed, exchange marker included.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// The security it names.
    pub security: Security,
    /// True when the code carries an exchange marker (`.SH`, `SZ`, `.HK`, `NASDAQ:`), so it is a
    /// code wherever it stands; a bare run of digits is one only beside a company name.
    pub marked: bool,
}

/// The exchange of a bare six-digit A-share code, from its number range; None when the number
/// is not in a range any A-share code uses (`202302`, `123456`).
pub fn a_share_exchange(code: &str) -> Option<&'static str> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match &code[..3] {
        "600" | "601" | "603" | "605" | "688" | "689" => Some("SH"),
        "000" | "001" | "002" | "003" | "300" | "301" => Some("SZ"),
        "920" => Some("BJ"),
        p if p.starts_with("43") || p.starts_with("83") || p.starts_with("87") => Some("BJ"),
        _ => None,
    }
}

/// Every code in a text, in order: A-share (`600519`, `600519.SH`, `SH600519`, `sh.600519`),
/// Hong Kong (`0700.HK`, `00700.HK`; a bare `00700` is left to the caller) and US tickers
/// (`AAPL.O`, `BABA.N`, `NASDAQ:AAPL`).
///
/// A run of digits is a code only when it stands alone: not part of a longer run (`20230202`,
/// `15618995441`), not after a decimal point or a thousands comma, not before `%` or a decimal.
/// Bare runs come back with `marked: false` and only when they fit a code's shape (six digits in
/// an A-share range, or five digits starting with `0` for Hong Kong).
pub fn find_codes(text: &str) -> Vec<CodeMatch> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if let Some(code) = digit_code(text, start, i) {
                found.push(code);
            }
        } else if bytes[i].is_ascii_uppercase() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            if let Some(code) = ticker_code(text, start, i) {
                i = i.max(code.end);
                found.push(code);
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The code of the digit run `text[start..end]`, if it is one.
fn digit_code(text: &str, start: usize, end: usize) -> Option<CodeMatch> {
    let bytes = text.as_bytes();
    let digits = &text[start..end];
    // Amounts and decimals: `1,600,519`, `0.600519`, `600519.5`, `600519%`.
    let before = start.checked_sub(1).map(|b| bytes[b]);
    let before2 = start.checked_sub(2).map(|b| bytes[b]);
    if matches!(before, Some(b'.' | b',')) && before2.is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    let after = bytes.get(end).copied();
    if matches!(after, Some(b'%')) || (matches!(after, Some(b'.' | b',')) && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)) {
        return None;
    }
    let (prefix_start, prefix) = exchange_prefix(text, start);
    let (suffix_end, suffix) = exchange_suffix(text, end);
    let marker = suffix.or(prefix);
    // A letter glued on either side that is not an exchange marker makes it a model number (`A600519`).
    if prefix.is_none() && before.is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    if suffix.is_none() && after.is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let (code, exchange) = match (digits.len(), marker) {
        (6, Some("HK")) => return None,
        (6, Some(exchange)) => (digits.to_string(), exchange.to_string()),
        (6, None) => (digits.to_string(), a_share_exchange(digits)?.to_string()),
        (4 | 5, Some("HK")) => (hong_kong_code(digits), "HK".to_string()),
        (5, None) if digits.starts_with('0') => (hong_kong_code(digits), "HK".to_string()),
        _ => return None,
    };
    let (start, end) = match (prefix.is_some() && suffix.is_none(), suffix.is_some()) {
        (true, _) => (prefix_start, end),
        (_, true) => (start, suffix_end),
        _ => (start, end),
    };
    Some(CodeMatch { start, end, security: Security { code, exchange: Some(exchange) }, marked: marker.is_some() })
}

/// A Hong Kong code with at most one leading zero kept beyond four digits (`00700` → `0700`).
fn hong_kong_code(digits: &str) -> String {
    let trimmed = digits.trim_start_matches('0');
    format!("{trimmed:0>4}")
}

/// An exchange written before the digits (`SH600519`, `sh.600519`, `SZ:000001`): its start and name.
fn exchange_prefix(text: &str, start: usize) -> (usize, Option<&'static str>) {
    let head = &text[..start];
    let without_sep = head.strip_suffix(['.', ':']).unwrap_or(head);
    for exchange in ["SH", "SZ", "BJ"] {
        let n = without_sep.len();
        if n >= 2 && without_sep.is_char_boundary(n - 2) && without_sep[n - 2..].eq_ignore_ascii_case(exchange) {
            let letter_before = without_sep[..n - 2].bytes().next_back().is_some_and(|b| b.is_ascii_alphanumeric());
            if !letter_before {
                return (n - 2, Some(exchange));
            }
        }
    }
    (start, None)
}

/// An exchange written after the digits (`.SH`, `. SZ`, `.HK`, `.SS`): its end and name.
fn exchange_suffix(text: &str, end: usize) -> (usize, Option<&'static str>) {
    let rest = &text[end..];
    let trimmed = rest.trim_start_matches(' ');
    let Some(after_dot) = trimmed.strip_prefix('.') else { return (end, None) };
    let after_dot_trimmed = after_dot.trim_start_matches(' ');
    for (written, exchange) in [("SH", "SH"), ("SS", "SH"), ("SZ", "SZ"), ("BJ", "BJ"), ("HK", "HK")] {
        if after_dot_trimmed.len() >= 2 && after_dot_trimmed.is_char_boundary(2) && after_dot_trimmed[..2].eq_ignore_ascii_case(written) {
            let glued = after_dot_trimmed[2..].bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
            if !glued {
                let consumed = rest.len() - after_dot_trimmed.len() + 2;
                return (end + consumed, Some(exchange));
            }
        }
    }
    (end, None)
}

/// A US ticker starting at the capital run `text[start..end]`: `AAPL.O`, `BABA.N`, `TSLA.US`,
/// `NASDAQ:AAPL`, `NYSE: BABA`.
fn ticker_code(text: &str, start: usize, end: usize) -> Option<CodeMatch> {
    let bytes = text.as_bytes();
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let word = &text[start..end];
    if matches!(word, "NASDAQ" | "NYSE" | "AMEX") {
        let rest = &text[end..];
        let after_colon = rest.trim_start_matches(' ').strip_prefix([':', '：'].as_slice())?;
        let lead = rest.len() - after_colon.len();
        let ticker_text = after_colon.trim_start_matches(' ');
        let offset = end + lead + (after_colon.len() - ticker_text.len());
        let len = ticker_text.bytes().take_while(u8::is_ascii_uppercase).count();
        let glued = ticker_text.as_bytes().get(len).is_some_and(|b| b.is_ascii_alphanumeric());
        if !(1..=5).contains(&len) || glued {
            return None;
        }
        let exchange = if word == "AMEX" { "NYSE" } else { word };
        let security = Security { code: ticker_text[..len].to_string(), exchange: Some(exchange.to_string()) };
        return Some(CodeMatch { start, end: offset + len, security, marked: true });
    }
    // One capital letter before `.O` is an abbreviation (`P/E.O`), not a ticker.
    if !(2..=5).contains(&word.len()) || !word.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let rest = text[end..].strip_prefix('.')?;
    let suffix_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    let exchange = match &rest[..suffix_len] {
        "O" | "OQ" => "NASDAQ",
        "N" => "NYSE",
        "US" => "US",
        _ => return None,
    };
    if rest.as_bytes().get(suffix_len).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let security = Security { code: word.to_string(), exchange: Some(exchange.to_string()) };
    Some(CodeMatch { start, end: end + 1 + suffix_len, security, marked: true })
}

/// What a broker did to its rating: kept it, started coverage, raised or cut it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RatingAction {
    /// 维持: the rating is unchanged.
    #[serde(rename = "维持")]
    Maintain,
    /// 首次 (首次覆盖): the first rating of the company by this broker.
    #[serde(rename = "首次")]
    Initiate,
    /// 上调: raised.
    #[serde(rename = "上调")]
    Upgrade,
    /// 下调: cut.
    #[serde(rename = "下调")]
    Downgrade,
}

impl RatingAction {
    /// The word the JSON uses (`维持`, `首次`, `上调`, `下调`).
    pub fn as_str(self) -> &'static str {
        match self {
            RatingAction::Maintain => "维持",
            RatingAction::Initiate => "首次",
            RatingAction::Upgrade => "上调",
            RatingAction::Downgrade => "下调",
        }
    }

    /// The action a word names (`维持`, `首次覆盖`, `调高`), if any.
    pub fn from_word(word: &str) -> Option<RatingAction> {
        match word {
            "维持" => Some(RatingAction::Maintain),
            "首次" | "首次覆盖" | "首次评级" => Some(RatingAction::Initiate),
            "上调" | "调高" | "提高" | "上修" => Some(RatingAction::Upgrade),
            "下调" | "调低" | "降低" | "下修" => Some(RatingAction::Downgrade),
            _ => None,
        }
    }
}

pub use yanbao_vocab::rating::RATING_WORDS;
use yanbao_vocab::rating::ACTION_WORDS;

/// Reads a rating as printed (`增持（维持）`, `买入-A`, `买入 (维持)`, `推荐 维持评级`,
/// `看好/维持`, `买入-A 维持评级`) into the rating word and its action. None when the text does
/// not start with a rating word.
pub fn parse_rating(printed: &str) -> Option<(String, Option<RatingAction>)> {
    let text = printed.trim().trim_start_matches(['“', '"', '「']);
    let word = RATING_WORDS.iter().find(|w| text.starts_with(*w))?;
    let rest = &text[word.len()..];
    // A grade after the word (`买入-A`, `买入—B`) is the broker's risk grade, not the rating.
    let rest = rest.trim_start_matches(['”', '"', '」']);
    let rest = match rest.trim_start().strip_prefix(['-', '—', '－']) {
        Some(graded) => graded.trim_start().trim_start_matches(['A', 'B', 'C', 'a', 'b', 'c']),
        None => rest,
    };
    let rest = rest.trim_start_matches([' ', '（', '(', '/', '／', '，', ',', '|']);
    let action = ACTION_WORDS.iter().find(|a| rest.starts_with(*a)).and_then(|a| RatingAction::from_word(a));
    Some((word.to_string(), action))
}

/// True for a production credit printed on a cover (`制作：产品中心`, `编辑: 张三`): never a title.
pub fn is_production_credit(line: &str) -> bool {
    const CREDITS: [&str; 9] = ["制作", "编辑", "责任编辑", "审核", "审校", "校对", "排版", "美编", "出品"];
    let line = line.trim();
    CREDITS.iter().any(|credit| {
        line.strip_prefix(credit).is_some_and(|rest| rest.trim_start().starts_with([':', '：']))
    })
}

/// True for a cover line that only names a security (`国泰集团(603977.SH)`, `兖矿能源（600188.SH）/煤炭开采行业`,
/// `金凯生科 (301509.SZ)`): the company a note covers, not the note's headline. A line that goes on
/// with a headline after the code (`舍得酒业 (600702): 双品牌战略不变`) is a title.
pub fn is_security_line(line: &str) -> bool {
    let line = line.trim();
    if line.chars().count() > 40 {
        return false;
    }
    let Some(code) = find_codes(line).into_iter().next() else { return false };
    let name = line[..code.start].trim_end().trim_end_matches(['(', '（', ' ']);
    let name_ok = (2..=12).contains(&name.chars().count()) && !name.contains([':', '：', '，', ',', '。']);
    let after = line[code.end..].trim_start().trim_start_matches([')', '）']).trim();
    name_ok && (code.marked || line[..code.start].trim_end().ends_with(['(', '（'])) && (after.is_empty() || after.starts_with(['/', '|', '／']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(String, Option<String>, bool)> {
        find_codes(text).into_iter().map(|c| (c.security.code, c.security.exchange, c.marked)).collect()
    }

    fn one(code: &str, exchange: &str, marked: bool) -> Vec<(String, Option<String>, bool)> {
        vec![(code.to_string(), Some(exchange.to_string()), marked)]
    }

    #[test]
    fn a_share_codes_in_every_spelling() {
        assert_eq!(codes("贵州茅台（600519.SH）"), one("600519", "SH", true));
        assert_eq!(codes("贵州茅台 SH600519"), one("600519", "SH", true));
        assert_eq!(codes("sh.600519"), one("600519", "SH", true));
        assert_eq!(codes("兖矿能源（600188. SH）"), one("600188", "SH", true));
        assert_eq!(codes("601899.SH | 紫金矿业"), one("601899", "SH", true));
        assert_eq!(codes("金凯生科 (301509.SZ)"), one("301509", "SZ", true));
        assert_eq!(codes("舍得酒业 (600702)"), one("600702", "SH", false));
        assert_eq!(codes("平安银行（000001）"), one("000001", "SZ", false));
        assert_eq!(codes("贝特瑞 835185.BJ"), one("835185", "BJ", true));
        let m = &find_codes("看好SH600519。")[0];
        assert_eq!(&"看好SH600519。"[m.start..m.end], "SH600519");
    }

    #[test]
    fn hong_kong_and_us_tickers() {
        assert_eq!(codes("腾讯控股（0700.HK）"), one("0700", "HK", true));
        assert_eq!(codes("腾讯控股（00700.HK）"), one("0700", "HK", true));
        assert_eq!(codes("美团-W（03690）"), one("3690", "HK", false));
        assert_eq!(codes("苹果（AAPL.O）"), one("AAPL", "NASDAQ", true));
        assert_eq!(codes("阿里巴巴 BABA.N"), one("BABA", "NYSE", true));
        assert_eq!(codes("NASDAQ:AAPL"), one("AAPL", "NASDAQ", true));
        assert_eq!(codes("NYSE： TSM 收涨"), one("TSM", "NYSE", true));
        assert!(codes("P/E.O").is_empty());
        assert!(codes("U.S. GDP").is_empty());
    }

    #[test]
    fn digit_runs_that_are_not_codes() {
        for text in [
            "宏观点评 20230202",
            "电话: 15618995441",
            "电话: 0769-22111089",
            "市值 1,600,519 万元",
            "比例 0.600519",
            "增长 600519%",
            "型号 A600519",
            "执业证书编号：S0740522040001",
            "202302 期",
            "第 123456 号",
            "共 12345678 股",
            "2,987",
        ] {
            assert!(find_codes(text).iter().all(|c| !c.marked), "{text}: {:?}", codes(text));
            assert!(find_codes(text).is_empty(), "{text}: {:?}", codes(text));
        }
        // A page number or a bare code is found, unmarked: only a name beside it makes it a company.
        assert_eq!(codes("- 000001 -"), one("000001", "SZ", false));
    }

    #[test]
    fn ratings_and_actions() {
        let parsed = |s: &str| parse_rating(s);
        assert_eq!(parsed("增持（维持）"), Some(("增持".into(), Some(RatingAction::Maintain))));
        assert_eq!(parsed("买入-A"), Some(("买入".into(), None)));
        assert_eq!(parsed("买入-A 维持评级"), Some(("买入".into(), Some(RatingAction::Maintain))));
        assert_eq!(parsed("买入 (维持)"), Some(("买入".into(), Some(RatingAction::Maintain))));
        assert_eq!(parsed("买入（首次）"), Some(("买入".into(), Some(RatingAction::Initiate))));
        assert_eq!(parsed("强烈推荐（首次覆盖）"), Some(("强烈推荐".into(), Some(RatingAction::Initiate))));
        assert_eq!(parsed("看好/维持"), Some(("看好".into(), Some(RatingAction::Maintain))));
        assert_eq!(parsed("推荐（上调）"), Some(("推荐".into(), Some(RatingAction::Upgrade))));
        assert_eq!(parsed("业绩增长"), None);
        assert_eq!(serde_json::to_value(RatingAction::Initiate).unwrap(), "首次");
    }

    #[test]
    fn credits_and_security_lines_are_not_titles() {
        assert!(is_production_credit("制作：产品中心"));
        assert!(is_production_credit("责任编辑: 张三"));
        assert!(!is_production_credit("制作工艺持续改进"));
        assert!(is_security_line("国泰集团(603977.SH)"));
        assert!(is_security_line("金凯生科 (301509.SZ)"));
        assert!(is_security_line("兖矿能源（600188. SH）/煤炭开采行业"));
        assert!(is_security_line("腾讯控股（0700.HK）"));
        assert!(!is_security_line("舍得酒业 (600702): 双品牌战略不变，老酒战略深入推进"));
        assert!(!is_security_line("东方雨虹（002271）2022 年三季报点评"));
        assert!(!is_security_line("宏观点评 20230202"));
    }
}
