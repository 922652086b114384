//! Dates as reports print them: `2022年07月19日`, `2019-11-17`, `2017.02.21`, `2023.3 .17`,
//! `July 9, 2021`, all read as `YYYY-MM-DD`.

use regex::Regex;
use std::sync::LazyLock;

static DATE_CN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)[0-9]{2})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日").expect("valid regex"));
static DATE_NUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)[0-9]{2})\s*[-./]\s*([0-9]{1,2})\s*[-./]\s*([0-9]{1,2})(?:[^0-9]|$)").expect("valid regex"));
static DATE_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(January|February|March|April|May|June|July|August|September|October|November|December)\s+([0-9]{1,2}),\s*((?:19|20)[0-9]{2})").expect("valid regex")
});
static DATE_ANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)[0-9]{2})\s*[年./\-]\s*([0-9]{1,2})\s*[月./\-]\s*([0-9]{1,2})(?:\s*日|[^0-9]|$)").expect("valid regex")
});

/// Returns the first date in a printed line as `YYYY-MM-DD` (`2022 年 07 月 19 日`,
/// `2019-11-17 金融工程`, `July 9, 2021`), spaces inside the date ignored: a `年月日` date first,
/// then a numeric one, then an English one.
pub fn find_date(line: &str) -> Option<String> {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    for pattern in [&*DATE_CN, &*DATE_NUM] {
        if let Some(c) = pattern.captures(&compact) {
            if let Some(date) = valid_date(c.get(1)?.as_str(), c.get(2)?.as_str(), c.get(3)?.as_str()) {
                return Some(date);
            }
        }
    }
    let c = DATE_EN.captures(line)?;
    let month = match c.get(1)?.as_str() {
        "January" => 1, "February" => 2, "March" => 3, "April" => 4, "May" => 5, "June" => 6,
        "July" => 7, "August" => 8, "September" => 9, "October" => 10, "November" => 11, _ => 12,
    };
    valid_date(c.get(3)?.as_str(), &month.to_string(), c.get(2)?.as_str())
}

/// Returns the first valid date of a line of converted text in its order of appearance
/// (`2023 年 07 月 15 日`, `2023.3 .17`), years 1990 to 2100 only.
pub fn date_in(line: &str) -> Option<String> {
    for caps in DATE_ANY.captures_iter(line) {
        let year: i32 = caps.get(1)?.as_str().parse().ok()?;
        let month: u32 = caps.get(2)?.as_str().parse().ok()?;
        let day: u32 = caps.get(3)?.as_str().parse().ok()?;
        if (1..=12).contains(&month) && (1..=31).contains(&day) && (1990..=2100).contains(&year) {
            return Some(format!("{year:04}-{month:02}-{day:02}"));
        }
    }
    None
}

/// Builds `YYYY-MM-DD` when month and day are in range.
fn valid_date(year: &str, month: &str, day: &str) -> Option<String> {
    let year: u32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    let day: u32 = day.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_dates() {
        assert_eq!(find_date("2022 年 07 月 19 日").as_deref(), Some("2022-07-19"));
        assert_eq!(find_date("2019-11-17 金融工程").as_deref(), Some("2019-11-17"));
        assert_eq!(find_date("2017.02.21").as_deref(), Some("2017-02-21"));
        assert_eq!(find_date("July 9, 2021").as_deref(), Some("2021-07-09"));
        assert_eq!(find_date("2022-13-40"), None);
    }

    #[test]
    fn dates_of_converted_text() {
        assert_eq!(date_in("2023 年 07 月 15 日").as_deref(), Some("2023-07-15"));
        assert_eq!(date_in("发布日期：2023.3 .17").as_deref(), Some("2023-03-17"));
        assert_eq!(date_in("1988-01-02"), None);
    }
}
