//! Inline markup removal: LaTeX-wrapped numbers, Markdown escapes and emphasis, links, images,
//! HTML tags and entities. Converters wrap report text in all of these; readers want none.

use regex::Regex;
use std::sync::LazyLock;

/// Stands in for an escaped `\$` while math spans are found (a private-use char `clean` would drop,
/// so it is always restored before cleaning).
const DOLLAR: char = '\u{E001}';

static IMAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"!\[[^\]]*\]\([^)]*\)").expect("valid regex"));
static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\(([^)\s]*)\)").expect("valid regex"));
static FOOTNOTE_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\^[0-9A-Za-z]+\]:?").expect("valid regex"));
static BR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").expect("valid regex"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>").expect("valid regex"));

/// Any character that starts markup this module removes (scanned by the optimised regex engine,
/// so plain lines cost one pass).
static MARKUP_CHAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[!\[<&\\$*_]").expect("valid regex"));

/// Returns one line of report text with its markup removed (not yet normalised).
///
/// `1\_29530` → `1_29530`, `\$3亿` → `$3亿`, `$2.34 \%$` → `2.34%`, `**要点**` → `要点`,
/// `a <br> b` → `a b`, `[text](url)` → `text`, images and footnote markers dropped.
pub fn strip_inline(line: &str) -> String {
    if !MARKUP_CHAR.is_match(line) {
        return line.to_string();
    }
    let bytes = line.as_bytes();
    let mut text = IMAGE.replace_all(line, " ").into_owned();
    text = replace_if_changed(text, &FOOTNOTE_REF, " ");
    text = replace_if_changed(text, &LINK, "$1");
    if bytes.contains(&b'<') {
        text = replace_if_changed(text, &BR, " ");
        text = replace_if_changed(text, &TAG, "");
    }
    if bytes.contains(&b'&') {
        text = decode_entities(&text);
    }
    let protected = ESCAPED_DOLLAR.is_match(&text);
    if protected {
        text = ESCAPED_DOLLAR.replace_all(&text, DOLLAR.to_string().as_str()).into_owned();
    }
    if text.as_bytes().contains(&b'$') {
        text = replace_math_spans(&text);
    }
    if text.as_bytes().contains(&b'\\') {
        text = unescape_markdown(&text);
    }
    text = replace_if_changed(text, &EMPHASIS, "");
    if protected {
        text = text.replace(DOLLAR, "$");
    }
    text
}

/// Applies a regex replacement, keeping the string when nothing matched.
fn replace_if_changed(text: String, pattern: &Regex, with: &str) -> String {
    match pattern.replace_all(&text, with) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(changed) => changed,
    }
}

static ESCAPED_DOLLAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\\\$").expect("valid regex"));
static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*\*|__").expect("valid regex"));

/// Replaces each `$…$` (or `$$…$$`) math span by its plain-text reading; unpaired `$` stay.
fn replace_math_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('$') {
        let fence = if rest[start..].starts_with("$$") { "$$" } else { "$" };
        let inner_start = start + fence.len();
        let Some(inner_len) = rest[inner_start..].find(fence) else {
            break;
        };
        let inner = &rest[inner_start..inner_start + inner_len];
        out.push_str(&rest[..start]);
        if looks_like_math(inner) {
            out.push_str(&latex_to_text(inner));
        } else {
            out.push_str(&rest[start..inner_start + inner_len + fence.len()]);
        }
        rest = &rest[inner_start + inner_len + fence.len()..];
    }
    out.push_str(rest);
    out
}

/// True when a `$…$` span is math rather than two dollar amounts (`$3 and $`).
fn looks_like_math(inner: &str) -> bool {
    if inner.is_empty() {
        return false;
    }
    let padded = inner.starts_with(char::is_whitespace) || inner.ends_with(char::is_whitespace);
    inner.contains('\\') || inner.contains('{') || !padded
}

/// Returns the plain reading of a LaTeX math fragment: `2.34 \%` → `2.34%`,
/// `14 \mathrm{~nm}` → `14 nm`, `\mathrm{NaPF}_{6}` → `NaPF6`, `\alpha` → `α`.
pub fn latex_to_text(inner: &str) -> String {
    let chars: Vec<char> = inner.chars().collect();
    let mut expanded = String::with_capacity(inner.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_alphabetic() {
                    j += 1;
                }
                if j == i + 1 {
                    // A one-character command: \% \$ \_ \, \\ …
                    if let Some(next) = chars.get(i + 1) {
                        match next {
                            ',' | ';' | ' ' | '!' | ':' | '\\' => expanded.push(' '),
                            other => expanded.push(*other),
                        }
                    }
                    i += 2;
                    continue;
                }
                let name: String = chars[i + 1..j].iter().collect();
                expanded.push_str(latex_command(&name));
                i = j;
            }
            '{' | '}' | '^' | '_' => i += 1,
            '~' | '&' => {
                expanded.push(' ');
                i += 1;
            }
            _ => {
                expanded.push(c);
                i += 1;
            }
        }
    }
    collapse_math_spaces(&expanded)
}

/// Maps a LaTeX command name to the text it stands for (formatting commands to nothing).
fn latex_command(name: &str) -> &'static str {
    match name {
        "times" => "×",
        "cdot" => "·",
        "div" => "÷",
        "pm" => "±",
        "le" | "leq" | "leqslant" => "≤",
        "ge" | "geq" | "geqslant" => "≥",
        "neq" | "ne" => "≠",
        "approx" => "≈",
        "sim" => "~",
        "Rightarrow" | "Longrightarrow" | "implies" => "⇒",
        "rightarrow" | "to" | "longrightarrow" => "→",
        "leftarrow" => "←",
        "uparrow" => "↑",
        "downarrow" => "↓",
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "Delta" => "Δ",
        "epsilon" | "varepsilon" => "ε",
        "theta" => "θ",
        "lambda" => "λ",
        "mu" => "μ",
        "pi" => "π",
        "rho" => "ρ",
        "sigma" => "σ",
        "Sigma" => "Σ",
        "tau" => "τ",
        "phi" | "varphi" => "φ",
        "omega" => "ω",
        "infty" => "∞",
        "circ" => "°",
        "prime" => "′",
        "wedge" => "^",
        "vee" => "v",
        "mid" => "|",
        "cdots" | "ldots" | "dots" => "…",
        "boxtimes" => "",
        "quad" | "qquad" => " ",
        "%" => "%",
        _ => "",
    }
}

/// Collapses spaces inside a math reading: kept (as one) only between two ASCII alphanumerics,
/// since LaTeX math ignores spaces (`95 %` → `95%`, `800 V` stays). Between two single
/// characters the space is the converter's, which spells a token out one character at a time
/// (`$301201 . S Z$` → `301201.SZ`, `$\mathbf{6 8 8 9 8 1}$` → `688981`): dropped.
fn collapse_math_spaces(expanded: &str) -> String {
    let chars: Vec<char> = expanded.trim().chars().collect();
    let mut out = String::with_capacity(expanded.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j).copied();
            if let (Some(b), Some(a)) = (before, after) {
                let alnum = |k: Option<&char>| k.is_some_and(|c| c.is_ascii_alphanumeric());
                let single_before = !alnum(i.checked_sub(2).and_then(|k| chars.get(k)));
                let single_after = !alnum(chars.get(j + 1));
                if b.is_ascii_alphanumeric() && a.is_ascii_alphanumeric() && !(single_before && single_after) {
                    out.push(' ');
                }
            }
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Removes Markdown backslash escapes: `\_` → `_`, `\#` → `#`, `\%` → `%`.
pub fn unescape_markdown(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.peek().copied() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// Decodes the HTML entities converters leave behind.
pub fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

static TABLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<table[^>]*>.*?</table\s*>").expect("valid regex"));
static ROW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<tr[^>]*>(.*?)</tr\s*>").expect("valid regex"));
static CELL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<t[dh][^>]*>(.*?)</t[dh]\s*>").expect("valid regex"));
static SCRIPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<(script|style|head)[^>]*>.*?</(script|style|head)\s*>").expect("valid regex"));
static HEADING_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<h([1-6])[^>]*>(.*?)</h[1-6]\s*>").expect("valid regex"));
static BLOCK_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)</?(p|div|section|article|blockquote|ul|ol|pre|tr|hr|h[1-6])(\s[^<>]*)?/?>").expect("valid regex"));
static LI_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<li(\s[^<>]*)?>").expect("valid regex"));

/// Rewrites every HTML `<table>` in a text as Markdown pipe rows (first row, then a separator).
pub fn html_tables_to_pipes(text: &str) -> String {
    if !text.to_ascii_lowercase().contains("<table") {
        return text.to_string();
    }
    TABLE
        .replace_all(text, |caps: &regex::Captures| {
            let mut lines = vec![String::new()];
            for (index, row) in ROW.captures_iter(&caps[0]).enumerate() {
                let cells: Vec<String> = CELL
                    .captures_iter(&row[1])
                    .map(|cell| html_cell_text(&cell[1]))
                    .collect();
                if cells.is_empty() {
                    continue;
                }
                lines.push(format!("| {} |", cells.join(" | ")));
                if index == 0 {
                    lines.push(format!("|{}", "---|".repeat(cells.len())));
                }
            }
            lines.push(String::new());
            lines.join("\n")
        })
        .into_owned()
}

/// Returns the text of one HTML cell on one line, with pipes escaped.
fn html_cell_text(cell: &str) -> String {
    let no_br = BR.replace_all(cell, " ");
    let no_tags = TAG.replace_all(&no_br, "");
    let flat: Vec<&str> = no_tags.split_whitespace().collect();
    decode_entities(&flat.join(" ")).replace('|', "\\|")
}

/// Turns an HTML document into Markdown-like lines: headings as `#`, paragraphs and list items
/// on their own lines, tables as pipe rows, scripts and styles dropped.
pub fn html_to_markdown(text: &str) -> String {
    let without_scripts = SCRIPT.replace_all(text, "");
    let tables = html_tables_to_pipes(&without_scripts);
    let headings = HEADING_TAG.replace_all(&tables, |caps: &regex::Captures| {
        let level = caps[1].parse::<usize>().unwrap_or(1);
        let inner = TAG.replace_all(&caps[2], "");
        let flat: Vec<&str> = inner.split_whitespace().collect();
        format!("\n\n{} {}\n\n", "#".repeat(level), flat.join(" "))
    });
    let items = LI_TAG.replace_all(&headings, "\n- ");
    let blocks = BLOCK_TAG.replace_all(&items, "\n\n");
    let breaks = BR.replace_all(&blocks, "\n");
    breaks.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_numbers_become_plain() {
        assert_eq!(strip_inline(r"同比增长 $83.9 \%$"), "同比增长 83.9%");
        assert_eq!(strip_inline(r"$2.34 \%$"), "2.34%");
        // A code or number spelled out one character at a time by the converter.
        assert_eq!(strip_inline(r"| $301201 . S Z$ | 诚达药业 |"), "| 301201.SZ | 诚达药业 |");
        assert_eq!(strip_inline(r"$\mathbf{6 8 8 9 8 1 . S H}$"), "688981.SH");
        assert_eq!(strip_inline(r"$\mathbf{1 , 3 3 4}$"), "1,334");
        assert_eq!(strip_inline(r"$800 V$ 平台"), "800 V 平台");
        assert_eq!(strip_inline(r"实现 $14 \mathrm{~nm}$ FinFET 量产"), "实现 14 nm FinFET 量产");
        assert_eq!(strip_inline(r"电解液: $\mathrm{NaPF}_{6}$ 为主流路线"), "电解液: NaPF6 为主流路线");
        assert_eq!(strip_inline(r"图 $9 \mathrm{CPI}$ : 当月同比 $(\%)$"), "图 9 CPI : 当月同比 (%)");
        assert_eq!(strip_inline(r"1.2. 大宗供应链 $\alpha$ 和 $\beta$ 向上共振"), "1.2. 大宗供应链 α 和 β 向上共振");
    }

    #[test]
    fn markdown_escapes_and_dollars() {
        assert_eq!(strip_inline(r"reportId=1\_29530"), "reportId=1_29530");
        assert_eq!(strip_inline(r"在手订单达到\$3亿，相对2022Q1末的\$1亿增加2倍"), "在手订单达到$3亿，相对2022Q1末的$1亿增加2倍");
        assert_eq!(strip_inline("costs $3 and $5 more"), "costs $3 and $5 more");
        assert_eq!(strip_inline(r"关键词：\#进口替代"), "关键词：#进口替代");
    }

    #[test]
    fn html_and_links() {
        assert_eq!(strip_inline("4 <br> 相关公司梳理"), "4   相关公司梳理");
        assert_eq!(strip_inline("**预览已结束**"), "预览已结束");
        assert_eq!(strip_inline("见[链接](https://a.b/c)"), "见链接");
        assert_eq!(strip_inline("![](images/a.jpg)图1"), " 图1");
        assert_eq!(strip_inline("A &amp; B"), "A & B");
    }

    #[test]
    fn html_tables_become_pipe_rows() {
        let html = "<table><tr><th>沪深300对比</th><th>1M</th></tr><tr><td>绝对涨幅(%)</td><td>7.18</td></tr></table>";
        let md = html_tables_to_pipes(html);
        assert!(md.contains("| 沪深300对比 | 1M |"));
        assert!(md.contains("|---|---|"));
        assert!(md.contains("| 绝对涨幅(%) | 7.18 |"));
    }

    #[test]
    fn junk_never_panics() {
        for junk in ["$", "$$", "\\", "$\\", "$a$b$", "<", "<br", "![", "[^", "](", "\\$\\$$x$"] {
            let _ = strip_inline(junk);
            let _ = latex_to_text(junk);
        }
    }
}
