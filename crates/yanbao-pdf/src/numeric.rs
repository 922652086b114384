//! Numeric text: lines made mostly of digits, percent signs and separators (chart ticks, table
//! figures, download stamps), which are never body text. The measure is the one of issue 14's
//! `body-noise.py`, so the corpus test in `tests/noise.rs` counts what the issue counts.

/// Characters that make a text numeric: digits, `%`, `.`, `-`, `+`, `,`, brackets, `/`, `:`.
pub fn is_numeric_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '%' | '.' | '-' | '+' | ',' | '(' | ')' | '（' | '）' | '/' | ':' | '：')
}

/// Share of a text's non-space characters that are [numeric](is_numeric_char) (0 when empty).
pub fn numeric_share(text: &str) -> f32 {
    let (mut numeric, mut total) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        total += 1;
        if is_numeric_char(c) {
            numeric += 1;
        }
    }
    if total == 0 { 0.0 } else { numeric as f32 / total as f32 }
}

/// True for a body text counted as numeric noise: at least 8 non-space characters, at least
/// 60 % of them numeric.
pub fn is_numeric_noise(text: &str) -> bool {
    text.chars().filter(|c| !c.is_whitespace()).count() >= 8 && numeric_share(text) >= 0.6
}

/// True for a short line that is mostly numeric (a tick label, a cell, a stamp): at least
/// 60 % numeric characters and at least two digits, any length.
pub fn is_numeric_line(text: &str) -> bool {
    text.chars().filter(|c| c.is_ascii_digit()).count() >= 2 && numeric_share(text) >= 0.6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_examples_are_noise() {
        for text in ["380%360%340%320%300%", "- -20% -40%", "0.71%0.8360.36%-19.48%", "23056204/43348/2019103010:40", "=0.06835 (1)"] {
            assert!(is_numeric_noise(text), "{text}");
        }
    }

    #[test]
    fn sentences_and_short_cells_are_not_noise() {
        assert!(!is_numeric_noise("2022年光伏装机同比增长60%，达到87.41GW。"));
        assert!(!is_numeric_noise("12.5%"), "shorter than 8 characters");
        assert!(is_numeric_line("12.5%"));
        assert!(!is_numeric_line("一、"));
        assert_eq!(numeric_share(""), 0.0);
    }
}
