//! Text normalisation shared by parsers, the index and the service.
//!
//! Two levels: [`clean`] makes text consistent for display and search while keeping it faithful
//! (no word lost or reordered); [`fold`] is the comparison key used by the gold files and
//! deduplication (NFKC, all whitespace dropped).

use unicode_normalization::UnicodeNormalization;

/// Returns the comparison key of a text: NFKC, with all whitespace removed.
///
/// `'9 月 10 日'` and `'9月10日'` fold the same; so do `,` and `，`.
pub fn fold(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The gold files' rule for "the same caption or source": after [`fold`] and removal of a
/// `资料来源：`/`数据来源：`/`来源：`/`Source:` prefix, the texts are equal, or the shorter lies
/// inside the longer and is at least 85 % of its length. Empty texts are never the same.
pub fn gold_same(a: &str, b: &str) -> bool {
    let a = without_source_prefix(fold(a));
    let b = without_source_prefix(fold(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (short, long) = if a.chars().count() <= b.chars().count() { (&a, &b) } else { (&b, &a) };
    long.contains(short.as_str()) && short.chars().count() as f64 >= 0.85 * long.chars().count() as f64
}

/// Drops one leading source label (`资料来源:`, `Sources:` …, any case) from folded text.
fn without_source_prefix(folded: String) -> String {
    source_without_label(&folded).to_string()
}

/// Returns a source line without its label: `资料来源：Wind，华泰证券` → `Wind，华泰证券`.
///
/// The model's `source` fields hold the text after the label (renderers print their own
/// `资料来源：`); parsers that keep the printed line pass it through here. The label must be
/// followed by `:` or `：` (spaces allowed around it), so a source that merely begins with the
/// word (`Sourced from Wind`) is left whole. The labels are the vocabulary's
/// ([`yanbao_vocab::source::without_prefix`]).
pub fn source_without_label(line: &str) -> &str {
    yanbao_vocab::source::without_prefix(line)
}

/// True for a line of mathematics rather than prose: it states an equality or a relation (`=`,
/// `≈`, `≤`, `≥`, `∑`, `√`), holds at most two Han characters, does not end a sentence, and is made
/// of letters, digits, operators, brackets and subscripts (`IC_IR = mean(IC)/std(IC)`,
/// `=0.06835 (1)`, `σ² = Σ(x−μ)²/n`). Prose that quotes a number (`增速为 = 5%。`) is not.
pub fn looks_like_formula(text: &str) -> bool {
    let text = text.trim();
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    if chars < 2 || chars > 200 || text.ends_with(['。', '；', '，', '：']) {
        return false;
    }
    if !text.chars().any(|c| matches!(c, '=' | '≈' | '≤' | '≥' | '≠' | '∑' | 'Σ' | '√' | '∫' | '∏')) {
        return false;
    }
    let han = text.chars().filter(|c| is_han(*c)).count();
    let mathematical = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .filter(|c| c.is_ascii_alphanumeric() || ('\u{391}'..='\u{3c9}').contains(c) || "=+-−*/^_.,()[]{}<>|%≈≤≥≠∑Σ√∫∏²³·×÷'′（）".contains(*c))
        .count();
    han <= 2 && mathematical * 10 >= chars * 9
}


/// True for characters of CJK scripts (ideographs, kana, hangul, CJK punctuation, full-width forms).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF   // radicals, Kangxi radicals
        | 0x3000..=0x303F // CJK symbols and punctuation
        | 0x3040..=0x30FF // kana
        | 0x3100..=0x312F
        | 0x3190..=0x31FF
        | 0x3400..=0x4DBF // extension A
        | 0x4E00..=0x9FFF // unified ideographs
        | 0xAC00..=0xD7AF // hangul
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFE30..=0xFE4F // compatibility forms
        | 0xFF00..=0xFFEF // half/full-width forms
        | 0x20000..=0x2FA1F)
}

/// True for CJK ideographs proper (not punctuation).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Maps Kangxi radicals, CJK radicals supplement and compatibility ideographs to the unified
/// ideograph they stand for (⼤ → 大), leaving every other character as it is.
pub fn unify_han(c: char) -> char {
    let code = c as u32;
    if (0x2F00..=0x2FDF).contains(&code) || (0xF900..=0xFAFF).contains(&code) || (0x2E80..=0x2EFF).contains(&code) {
        let mapped: String = c.to_string().nfkc().collect();
        let mut chars = mapped.chars();
        if let (Some(first), None) = (chars.next(), chars.next()) {
            return first;
        }
        if let Some(supplement) = radical_supplement(c) {
            return supplement;
        }
    }
    c
}

/// The CJK Radicals Supplement has no NFKC mapping; these are the ones seen in broker PDFs.
fn radical_supplement(c: char) -> Option<char> {
    Some(match c {
        '⺁' => '厂', '⺇' => '几', '⺈' => '⺈', '⺊' => '卜', '⺌' => '小', '⺍' => '小',
        '⺎' => '兀', '⺏' => '尣', '⺐' => '尢', '⺑' => '尣', '⺒' => '巳', '⺓' => '幺',
        '⺔' => '彐', '⺖' => '忄', '⺗' => '心', '⺘' => '扌', '⺙' => '攵', '⺛' => '无',
        '⺝' => '月', '⺞' => '歺', '⺟' => '母', '⺠' => '民', '⺡' => '氵', '⺢' => '氺',
        '⺣' => '灬', '⺤' => '爫', '⺦' => '丬', '⺧' => '牛', '⺨' => '犭', '⺩' => '王',
        '⺪' => '疋', '⺫' => '罒', '⺬' => '示', '⺭' => '礻', '⺮' => '竹', '⺯' => '糸',
        '⺰' => '纟', '⺱' => '罓', '⺲' => '罒', '⺳' => '网', '⺴' => '罓', '⺵' => '罒',
        '⺶' => '羊', '⺷' => '羊', '⺸' => '羊', '⺹' => '耂', '⺺' => '聿', '⺻' => '聿',
        '⺼' => '月', '⺽' => '臼', '⺾' => '艹', '⺿' => '艹', '⻀' => '艹', '⻁' => '虎',
        '⻂' => '衤', '⻃' => '覀', '⻄' => '西', '⻅' => '见', '⻆' => '角', '⻇' => '角',
        '⻈' => '讠', '⻉' => '贝', '⻋' => '车', '⻌' => '辶', '⻍' => '辶', '⻎' => '辶',
        '⻏' => '阝', '⻐' => '钅', '⻑' => '長', '⻒' => '镸', '⻓' => '长', '⻔' => '门',
        '⻕' => '龶', '⻖' => '阝', '⻗' => '雨', '⻘' => '青', '⻙' => '韦', '⻚' => '页',
        '⻛' => '风', '⻜' => '飞', '⻝' => '食', '⻞' => '食', '⻟' => '饣', '⻠' => '饣',
        '⻡' => '首', '⻢' => '马', '⻣' => '骨', '⻤' => '鬼', '⻥' => '鱼', '⻦' => '鸟',
        '⻧' => '卤', '⻨' => '麦', '⻩' => '黄', '⻪' => '黾', '⻫' => '斉', '⻬' => '齐',
        '⻭' => '歯', '⻮' => '齿', '⻯' => '竜', '⻰' => '龙', '⻱' => '龜', '⻲' => '亀',
        '⻳' => '龟',
        _ => return None,
    })
}

/// Returns the text made consistent for display and search, keeping it faithful:
///
/// * Kangxi radicals and compatibility ideographs become unified ideographs (⼤ → 大);
/// * full-width ASCII letters and digits become half-width (２０２１ → 2021);
/// * the ideographic space and other odd spaces become one ASCII space, runs of spaces collapse;
/// * spaces next to a CJK character are removed (`9 月 10 日` → `9月10日`, `金 融 工 程` → `金融工程`),
///   so converter and PDF spacing does not split words; spaces between Latin words and digits stay;
/// * ASCII punctuation right after a CJK character becomes its full-width form (`,` → `，`)
///   when followed by CJK text or a space, matching Chinese typesetting;
/// * private-use and control characters are dropped.
///
/// No characters other than spaces, controls and private-use glyphs are removed.
pub fn clean(text: &str) -> String {
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        let c = unify_han(c);
        let code = c as u32;
        let mapped = match code {
            0xFF01..=0xFF5E if c.is_ascii_alphanumeric_fullwidth() => char::from_u32(code - 0xFEE0).unwrap_or(c),
            0x3000 | 0x00A0 | 0x2002..=0x200A | 0x202F | 0x205F => ' ',
            0x200B..=0x200D | 0xFEFF | 0x00AD => continue,
            0xE000..=0xF8FF => continue,
            _ if c.is_control() && c != '\n' && c != '\t' => continue,
            _ => c,
        };
        chars.push(mapped);
    }
    let mut out = String::with_capacity(text.len());
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if c == ' ' || c == '\t' {
            // Collapse the run, then decide whether it separates anything worth separating.
            let mut j = i;
            while j < n && (chars[j] == ' ' || chars[j] == '\t') {
                j += 1;
            }
            let prev = out.chars().last();
            let next = chars.get(j).copied();
            let keep = match (prev, next) {
                (None, _) | (_, None) => false,
                (Some('\n'), _) | (_, Some('\n')) => false,
                (Some(p), Some(q)) => !(joins_without_space(p) || joins_without_space(q)) || (p.is_ascii_alphanumeric() && q.is_ascii_alphanumeric()),
            };
            if keep {
                out.push(' ');
            }
            i = j;
            continue;
        }
        if let Some(full) = fullwidth_punct(c) {
            let prev_cjk = out.chars().last().map(is_han_or_cjk_punct).unwrap_or(false);
            let next = chars[i + 1..].iter().copied().find(|ch| *ch != ' ');
            let next_cjk = next.map(is_han_or_cjk_punct).unwrap_or(true);
            if prev_cjk && next_cjk {
                out.push(full);
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out.trim().to_string()
}

/// Characters next to which a space carries no meaning in Chinese text.
fn joins_without_space(c: char) -> bool {
    is_cjk(c)
}

fn is_han_or_cjk_punct(c: char) -> bool {
    is_cjk(c)
}

fn fullwidth_punct(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

trait FullwidthAlnum {
    fn is_ascii_alphanumeric_fullwidth(self) -> bool;
}

impl FullwidthAlnum for char {
    fn is_ascii_alphanumeric_fullwidth(self) -> bool {
        matches!(self as u32, 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A | 0xFF05 | 0xFF0E)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_told_from_prose() {
        for formula in ["=0.06835 (1)", "IC_IR = mean(IC) / std(IC)", "= 0.00005397", "σ² = Σ(x−μ)²/n", "R_t = α + β·R_m + ε"] {
            assert!(looks_like_formula(formula), "{formula}");
        }
        for prose in ["增速为 = 5%。", "2021年营收同比增长 20%", "380%360%340%320%300%", "RankIC 均值为 0.05", "ROE=净利润/净资产，衡量盈利能力", ""] {
            assert!(!looks_like_formula(prose), "{prose}");
        }
    }

    #[test]
    fn fold_matches_the_gold_rule() {
        assert_eq!(fold("9 月 10 日"), fold("9月10日"));
        assert_eq!(fold(","), fold("，"));
    }

    #[test]
    fn clean_removes_spaces_between_cjk_but_not_between_words() {
        assert_eq!(clean("9 月 10 日，中国"), "9月10日，中国");
        assert_eq!(clean("USTR（美国贸易代表办公室）"), "USTR（美国贸易代表办公室）");
        assert_eq!(clean("the  quick\u{3000}fox"), "the quick fox");
        assert_eq!(clean("金 融 工 程"), "金融工程");
    }

    #[test]
    fn clean_unifies_radicals_and_fullwidth_digits() {
        assert_eq!(clean("⼤盘２０２１"), "大盘2021");
    }

    #[test]
    fn clean_makes_punctuation_between_han_fullwidth() {
        assert_eq!(clean("基本盘, 稳固"), "基本盘，稳固");
        assert_eq!(clean("a, b"), "a, b");
        assert_eq!(clean("增长 5.8%"), "增长5.8%");
    }

    #[test]
    fn source_labels_are_dropped_once() {
        assert_eq!(source_without_label("资料来源：Wind，华泰证券研究所"), "Wind，华泰证券研究所");
        assert_eq!(source_without_label(" 数据来源: 国家统计局 "), "国家统计局");
        assert_eq!(source_without_label("来源：公司公告"), "公司公告");
        assert_eq!(source_without_label("Source : Bloomberg"), "Bloomberg");
        assert_eq!(source_without_label("Data sources: Cboe"), "Cboe");
        // Already without a label, or a word that is not a label: left as it is.
        assert_eq!(source_without_label("Wind，华泰证券研究所"), "Wind，华泰证券研究所");
        assert_eq!(source_without_label("Sourced from Wind"), "Sourced from Wind");
        // Only one label goes: a source naming another source keeps it.
        assert_eq!(source_without_label("资料来源：来源：Wind"), "来源：Wind");
    }

    #[test]
    fn gold_same_follows_the_scorer() {
        assert!(gold_same("资料来源：Wind，东莞证券研究所", "Wind, 东莞证券研究所"));
        assert!(!gold_same("Source: Cboe", "cboe"), "case matters outside the label");
        assert!(gold_same("SOURCES: Cboe", "Cboe"));
        assert!(gold_same("截至11月12日，拜登支持率已经从上任时的53.9%下滑至42.8%", "截至 11 月 12 日，拜登支持率已经从上任时的 53.9% 下滑至 42.8%"));
        assert!(!gold_same("电解镍价格走势", "电解镍价格走势（截至2023/3/3）.....6"));
        assert!(!gold_same("", ""));
    }

    #[test]
    fn clean_never_loses_visible_characters() {
        let input = "中美元首视频会晤, 可能谈些什么 (USTR) 549 项";
        let kept: String = clean(input).chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(fold(&kept), fold(input));
    }
}
