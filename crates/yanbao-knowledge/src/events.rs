//! Dated events: table rows whose first cell is a date, and sentences of running text that carry one.

use yanbao_model::excerpt::{bounded, excerpt, CharCounter, EVENT_TEXT_CHARS};
use yanbao_model::{BlockKind, Event, EventOrigin, Report};

use crate::dates::{parse_dates, DateAnchor, DateMention, Precision};
use crate::text::{clause_starts, sentence_spans};

/// Returns the anchor that year-less dates of a report are resolved against.
///
/// The rule, in order: the report's own date; else the day-precision dates written with their
/// year anywhere in the document (body, table and figure captions, sources and notes —
/// `该数据更新截至2021年11月12日` in a figure note counts): the latest of those in the report's
/// year as the parser read it (title, cover) when one of them confirms it, else the latest of
/// those in the year most such dates fall in; else the report's year alone; else the latest
/// month-precision date
/// written with its year. Bare years (`2022 年中期选举`) never anchor: they name future or past
/// periods far more often than the time of writing. Nor does a lone far date decide the year:
/// a term ending `2025年12月21日` in a 2023 weekly is outvoted by the weekly's own dates.
pub fn anchor_for(report: &Report) -> DateAnchor {
    if let Some((year, month)) = report.date.as_deref().and_then(year_month_of_iso) {
        return DateAnchor { year: Some(year), month: Some(month) };
    }
    let unanchored = DateAnchor::default();
    let mut days: Vec<(i32, u32, String)> = Vec::new();
    let mut latest_month: Option<String> = None;
    for text in document_texts(report) {
        for mention in parse_dates(text, &unanchored) {
            match mention.precision {
                Precision::Day => {
                    if let Some((year, month)) = year_month_of_iso(&mention.date) {
                        days.push((year, month, mention.date));
                    }
                }
                Precision::Month => {
                    if latest_month.as_ref().is_none_or(|current| mention.date > *current) {
                        latest_month = Some(mention.date);
                    }
                }
                _ => {}
            }
        }
    }
    // The parser's year (title, cover) when the document's own full dates confirm it.
    let confirmed = report.year.filter(|year| days.iter().any(|(y, _, _)| y == year));
    let year = confirmed.or_else(|| most_common_year(&days)).or(report.year);
    if let Some(year) = year {
        let latest_in_year = days.iter().filter(|(y, _, _)| *y == year).max_by(|a, b| a.2.cmp(&b.2));
        return DateAnchor { year: Some(year), month: latest_in_year.map(|(_, month, _)| *month) };
    }
    match latest_month.as_deref().and_then(year_month_of_iso) {
        Some((year, month)) => DateAnchor { year: Some(year), month: Some(month) },
        None => DateAnchor::default(),
    }
}

/// The year most of these dates fall in (the later one on a tie).
fn most_common_year(days: &[(i32, u32, String)]) -> Option<i32> {
    let mut counts: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for (year, _, _) in days {
        *counts.entry(*year).or_default() += 1;
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0))).map(|(year, _)| year)
}

/// Every text of a report that may carry a date: blocks, captions, sources and notes.
fn document_texts(report: &Report) -> Vec<&str> {
    let mut texts: Vec<&str> = report.blocks.iter().map(|b| b.text.as_str()).collect();
    for figure in &report.figures {
        texts.push(&figure.caption);
        texts.extend(figure.notes.as_deref());
        texts.extend(figure.source.as_deref());
    }
    for table in &report.tables {
        texts.push(&table.caption);
        texts.extend(table.notes.as_deref());
        for row in &table.rows {
            texts.extend(row.iter().map(|c| c.as_str()));
        }
    }
    texts
}

fn year_month_of_iso(date: &str) -> Option<(i32, u32)> {
    let year = date.get(0..4)?.parse().ok()?;
    let month = date.get(5..7)?.parse().ok()?;
    Some((year, month))
}

/// True for mentions that date an event: days, months and spans within a year, but not bare
/// years, quarters, halves, nor data periods such as `1-2 月`.
pub fn is_event_date(mention: &DateMention) -> bool {
    match mention.precision {
        Precision::Day | Precision::Month => true,
        Precision::Range => !is_data_period(&mention.text),
        _ => false,
    }
}

/// True for month spans written as a statistics period (`2024 年 1-2 月`, `1～5月`).
fn is_data_period(text: &str) -> bool {
    let folded: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let without_year = folded.split_once('年').map(|(_, rest)| rest).unwrap_or(&folded);
    let mut chars = without_year.chars();
    let starts_with_digit = chars.next().is_some_and(|c| c.is_ascii_digit());
    starts_with_digit && without_year.ends_with('月') && without_year.contains(['-', '—', '–', '~', '～'])
}

/// Returns the events of table rows whose first cell is a date.
///
/// A row counts when its first cell is nothing but a day or month (`5 月 27 日`) and the rest of
/// the row says something in words (at least two Han characters or two Latin words), so data
/// tables keyed by month (`2023年1月 | 5.3 | 4.8`) are left out. A year written in one row
/// carries to the year-less rows below it. The event text is the rest of the row, cut to
/// [`EVENT_TEXT_CHARS`].
pub fn table_events(report: &Report, anchor: &DateAnchor) -> Vec<Event> {
    let mut events = Vec::new();
    for table in &report.tables {
        let mut table_anchor = *anchor;
        for row in &table.rows {
            let Some((first_cell, rest)) = row.split_first() else { continue };
            let cell = first_cell.trim();
            let Some(mention) = whole_cell_date(cell, &table_anchor) else { continue };
            if cell_has_written_year(cell) {
                table_anchor = DateAnchor { year: mention.date.get(0..4).and_then(|y| y.parse().ok()), month: None };
            }
            let text = rest.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" ");
            if !says_something(&text) {
                continue;
            }
            events.push(Event {
                date: mention.date,
                date_end: mention.date_end,
                precision: mention.precision.as_str().to_string(),
                date_text: cell.to_string(),
                text: bounded(&text, EVENT_TEXT_CHARS),
                actors: Vec::new(),
                numbers: Vec::new(),
                origin: EventOrigin::Table,
                block: table.block,
                span: None,
            });
        }
    }
    events
}

/// The date a cell consists of, if the cell is one event date and nothing else.
fn whole_cell_date(cell: &str, anchor: &DateAnchor) -> Option<DateMention> {
    let mentions = parse_dates(cell, anchor);
    let [mention] = mentions.as_slice() else { return None };
    let covers = cell[..mention.start].trim().is_empty() && cell[mention.end..].trim().is_empty();
    (covers && is_event_date(mention)).then(|| mention.clone())
}

fn cell_has_written_year(cell: &str) -> bool {
    cell.contains('年') || cell.chars().filter(|c| c.is_ascii_digit()).count() >= 6
}

/// True when a text holds words, not just numbers: two Han characters or two Latin words.
fn says_something(text: &str) -> bool {
    let han = text.chars().filter(|c| yanbao_model::normalize::is_han(*c)).count();
    let words = text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2).count();
    han >= 2 || words >= 2
}

/// Returns the events of running text: every sentence of a paragraph or list that carries an
/// event date gives one event per date.
///
/// The event text is the sentence; when a sentence carries several dates (`9 月 25 日孟晚舟女士
/// 成功归国，10 月 5 日 USTR…`), each date gets the clauses from its own up to the next date's,
/// extended to the end of the next date's clause when its own part says nothing beyond the date
/// (`11 月 13 日，外交部宣布 11 月 16 日…`).
///
/// The event's `span` is that sentence or segment's character span in the block; its `text` is
/// the same cut to [`EVENT_TEXT_CHARS`] around the date (clauses where they fit, `…` where cut).
/// Linear in the block: sentences and clauses are found once per block and sentence.
pub fn text_events(report: &Report, anchor: &DateAnchor) -> Vec<Event> {
    let mut events = Vec::new();
    for (index, block) in report.blocks.iter().enumerate() {
        if !matches!(block.kind, BlockKind::Paragraph | BlockKind::List) || block.boilerplate {
            continue;
        }
        let text = block.text.as_str();
        let mut mentions: Vec<DateMention> =
            parse_dates(text, anchor).into_iter().filter(|m| is_text_event_date(text, m)).collect();
        if mentions.is_empty() {
            continue;
        }
        mentions.sort_by_key(|m| (m.start, m.end));
        let mut counter = CharCounter::new(text);
        for (sentence_start, sentence_end) in sentence_spans(text) {
            let first = mentions.partition_point(|m| m.start < sentence_start);
            let in_sentence: Vec<&DateMention> =
                mentions[first..].iter().take_while(|m| m.start < sentence_end).filter(|m| m.end <= sentence_end).collect();
            if in_sentence.is_empty() {
                continue;
            }
            let clause_bounds = if in_sentence.len() > 1 { clause_starts(text, sentence_start, sentence_end) } else { Vec::new() };
            for (position, mention) in in_sentence.iter().enumerate() {
                let (start, end) = event_segment(text, (sentence_start, sentence_end), &clause_bounds, &in_sentence, position);
                let start = start + (text[start..end].len() - text[start..end].trim_start().len());
                let end = end - (text[start..end].len() - text[start..end].trim_end().len());
                if !says_something(&text[start..end].replacen(mention.text.as_str(), "", 1)) {
                    continue;
                }
                let focus = mention.start.clamp(start, end)..mention.end.clamp(start, end);
                events.push(Event {
                    date: mention.date.clone(),
                    date_end: mention.date_end.clone(),
                    precision: mention.precision.as_str().to_string(),
                    date_text: mention.text.clone(),
                    text: excerpt(text, start..end, focus, EVENT_TEXT_CHARS).to_string(),
                    actors: Vec::new(),
                    numbers: Vec::new(),
                    origin: EventOrigin::Text,
                    block: index,
                    span: Some(counter.span(start..end)),
                });
            }
        }
    }
    events
}

/// True for the publication date of a cited report (`《…行业周报》-2023.5.14`,
/// `…持续加速-2023/03/30`): a dash before the date and nothing or another title after it.
fn is_reference_date(text: &str, mention: &DateMention) -> bool {
    let before = text[..mention.start].trim_end_matches([' ', '$']);
    let after = text[mention.end..].trim_start_matches([' ', '$']);
    let dash_before = before.ends_with(['-', '—', '－', '–']);
    let nothing_after = after.is_empty() || after.starts_with(['《', '\n', '\r']) || after.starts_with(|c: char| c.is_ascii_digit());
    dash_before && nothing_after
}

/// True when a date mention of running text dates an event: an event date that is neither a
/// cited report's date, a data cut-off, a data point, a dateline nor the time of a forecast.
fn is_text_event_date(text: &str, mention: &DateMention) -> bool {
    let dated_event = is_event_date(mention) || is_announced_period(text, mention);
    dated_event
        && !is_reference_date(text, mention)
        && !is_data_cutoff(text, mention)
        && !is_data_point(text, mention)
        && !is_dateline(text, mention)
        && !is_statistics_month(text, mention)
        && !is_forecast(text, mention)
}

/// Words that make a clause a forecast or a scenario, not a report of something that happened
/// or is scheduled (`预计年底前后，关税排除程序有望正式落地生效`, `5月还不能排除加息25BP的可能`).
/// Not 预期: it is mostly a noun (`超预期回落`, `放缓加息步伐预期愈发确定`).
const FORECAST_WORDS: [&str; 8] = ["预计", "有望", "或将", "可能", "或许", "料将", "不排除", "估计"];

/// True for a date that times a forecast: a forecast word in the date's own clause or the clause
/// after it. A plan announced with its verb right after the date stays an event
/// (`新车预计今年上半年上市`); a date the text schedules without hedging (`11月16日中美元首将举行
/// 视频会晤`) has no forecast word.
fn is_forecast(text: &str, mention: &DateMention) -> bool {
    let before = &text[..mention.start];
    let clause_start = before.char_indices().rev().find(|(_, c)| CLAUSE_STOPS.contains(c)).map_or(0, |(i, c)| i + c.len_utf8());
    let own = clause_after(text, mention.end);
    let next_start = mention.end + own.len();
    let sentence_goes_on = text[next_start..].starts_with(['，', ',', '；', ';']);
    let next = if sentence_goes_on {
        let skip = text[next_start..].chars().next().map_or(0, char::len_utf8);
        clause_after(text, next_start + skip)
    } else {
        ""
    };
    let head: String = own.chars().take(6).collect();
    let announced = EVENT_VERBS.iter().any(|verb| head.contains(verb));
    let hedged = [&text[clause_start..mention.start], own, next].iter().any(|part| FORECAST_WORDS.iter().any(|w| part.contains(w)));
    hedged && !announced
}

/// Verbs that make a quarter or half year the time of an event (`新车预计今年上半年上市`).
const EVENT_VERBS: [&str; 16] =
    ["上市", "发布", "推出", "投产", "量产", "落地", "召开", "举行", "开业", "交付", "上线", "开通", "实施", "出台", "亮相", "开工"];

/// True for a quarter or half year followed in its clause by an event verb (`今年上半年上市`);
/// other quarters and halves are statistics periods (`一季度营收`).
fn is_announced_period(text: &str, mention: &DateMention) -> bool {
    if !matches!(mention.precision, Precision::Quarter | Precision::Half) {
        return false;
    }
    let clause = clause_after(text, mention.end);
    let head: String = clause.chars().take(6).collect();
    EVENT_VERBS.iter().any(|verb| head.contains(verb))
}

/// Words that make a month a statistics period (`2月份腾势新增订单量`, `1月预计实际缩减765亿美元`).
const STATISTICS_WORDS: [&str; 16] =
    ["销量", "批发", "零售", "产量", "出货", "订单", "营收", "收入", "利润", "增速", "累计", "卖出", "交付", "缩减", "同比", "环比"];

/// True for a month that is the period of a statistic, not the time of an event: the base of a
/// comparison (`同比去年2月增60%`, `环比1月增30%`), or followed in its clause by a statistics
/// word (`2023年2月新能源乘用车厂商批发销量`).
fn is_statistics_month(text: &str, mention: &DateMention) -> bool {
    if mention.precision != Precision::Month {
        return false;
    }
    let before = text[..mention.start].trim_end();
    let comparison = ["同比", "环比", "较", "相比", "相较", "比"].iter().any(|w| before.ends_with(w));
    let mut clause = clause_after(text, mention.end);
    if clause.trim().is_empty() {
        // `2023年1月，腾势D9卖出了6439台`: the date stands alone, the statistic follows.
        let skip = text[mention.end..].chars().next().map_or(0, char::len_utf8);
        clause = clause_after(text, mention.end + skip);
    }
    comparison || STATISTICS_WORDS.iter().any(|w| clause.contains(w))
}

/// Characters that end a clause.
const CLAUSE_STOPS: [char; 8] = ['，', ',', '；', ';', '。', '！', '？', '\n'];

/// The rest of the clause after a byte offset (up to the next ，,；;。！？ or line break).
fn clause_after(text: &str, offset: usize) -> &str {
    let rest = &text[offset..];
    let end = rest.find(CLAUSE_STOPS).unwrap_or(rest.len());
    &rest[..end]
}

/// True for a date that qualifies a figure (`从8月1日的51.5%下滑了…`, `从3月份的基建数据来看`):
/// `的` right after the date, then a number or a data word.
fn is_data_point(text: &str, mention: &DateMention) -> bool {
    let after = text[mention.end..].trim_start();
    let Some(rest) = after.strip_prefix('的') else { return false };
    let head: String = rest.chars().take(8).collect();
    let starts_with_number = head.trim_start().starts_with(|c: char| c.is_ascii_digit());
    starts_with_number || ["数据", "数值", "读数", "水平", "高点", "低点", "收盘价", "均值"].iter().any(|w| head.contains(w))
}

/// True for a dateline: a full date ending its block with no sentence stop before it
/// (`证券研究报告/公司点评2022年5月1日`), the report's date printed into the body.
fn is_dateline(text: &str, mention: &DateMention) -> bool {
    let ends_block = text[mention.end..].trim().is_empty();
    let before = text[..mention.start].trim_end();
    let sentence_before = before.rfind(['。', '！', '？', '；']).map(|i| &before[i..]).unwrap_or(before);
    let short = sentence_before.chars().count() <= 40;
    let written_year = mention.text.contains(['年', '/', '-', '.']) || mention.text.chars().filter(char::is_ascii_digit).count() == 8;
    mention.precision == Precision::Day && ends_block && short && written_year
}

/// True for the cut-off date of a figure (`截至11月12日，拜登支持率…`, `截至 2022 年末`): it
/// dates a measurement, not something that happened.
fn is_data_cutoff(text: &str, mention: &DateMention) -> bool {
    let before = text[..mention.start].trim_end();
    ["截至", "截止", "截至到", "截止到", "截止至", "数据截至"].iter().any(|w| before.ends_with(w))
}

/// The byte span of the event text for the `position`-th date of a sentence, given the
/// sentence's clause starts (sorted; only needed when the sentence has several dates).
fn event_segment(text: &str, sentence: (usize, usize), clause_bounds: &[usize], mentions: &[&DateMention], position: usize) -> (usize, usize) {
    let (sentence_start, sentence_end) = sentence;
    if mentions.len() <= 1 {
        return sentence;
    }
    let clause_start_of = |offset: usize| {
        let after = clause_bounds.partition_point(|b| *b <= offset);
        if after == 0 { sentence_start } else { clause_bounds[after - 1] }
    };
    let clause_end_of = |offset: usize| clause_bounds.get(clause_bounds.partition_point(|b| *b <= offset)).copied().unwrap_or(sentence_end);
    let start = clause_start_of(mentions[position].start);
    let Some(next) = mentions.get(position + 1) else {
        return (start, sentence_end);
    };
    let end = clause_start_of(next.start).max(start);
    if end <= mentions[position].end {
        // Both dates in one clause (`since August 19, 2004 and … since April 3, 2014`): the
        // clause, through the next date's, is about both.
        return (start, clause_end_of(next.end));
    }
    let own_words = format!("{}{}", &text[start..mentions[position].start], &text[mentions[position].end..end.max(mentions[position].end)]);
    if says_something(&own_words) {
        (start, end)
    } else {
        (start, clause_end_of(next.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cited_report_dates_are_not_events() {
        let text = "谷歌发布 PaLM2, AI 军备竞赛再升级一行业周报》-2023.5.14 《周观点";
        let mention = parse_dates(text, &DateAnchor::default()).remove(0);
        assert!(is_reference_date(text, &mention));
        let text = "2023年5月12日, OpenAI 在官网表示";
        let mention = parse_dates(text, &DateAnchor::default()).remove(0);
        assert!(!is_reference_date(text, &mention));
    }

    #[test]
    fn data_points_and_datelines_are_not_events() {
        let anchor = DateAnchor { year: Some(2021), month: Some(11) };
        let text = "自8月以来，拜登支持率快速下滑，从8月1日的51.5%下滑了8.7个百分点。";
        let mentions = parse_dates(text, &anchor);
        assert!(!is_data_point(text, &mentions[0]));
        assert!(is_data_point(text, &mentions[1]));
        let text = "从 3 月份的基建数据来看，已经出现了环比持续改善态势";
        assert!(is_data_point(text, &parse_dates(text, &anchor)[0]));
        let text = "流通市值（亿元）证券研究报告/公司点评2022年5月1日";
        assert!(is_dateline(text, &parse_dates(text, &anchor)[0]));
        let text = "2023年5月12日, OpenAI 在官网表示将推出插件。";
        assert!(!is_dateline(text, &parse_dates(text, &anchor)[0]));
    }

    #[test]
    fn statistics_months_are_not_events_but_announced_halves_are() {
        let anchor = DateAnchor { year: Some(2023), month: Some(3) };
        let cases = [
            ("2月份腾势新增订单量超过1万多台", true),
            ("乘联会发布2023年2月新能源乘用车厂商批发销量。", true),
            ("环比1月增30%，", true),
            ("根据公开资料显示，2023年1月，腾势D9卖出了6439台", true),
            ("同比去年2月增60%。", true),
            ("3月发布的第一批插件包括2个官方插件", false),
            ("美联储自 9 月份以来将计划的量化紧缩规模从 300 亿美元国债提高至 600 亿", false),
        ];
        for (text, statistics) in cases {
            let mention = parse_dates(text, &anchor).remove(0);
            assert_eq!(is_statistics_month(text, &mention), statistics, "{text}");
        }
        let text = "新车预计今年上半年上市。";
        assert!(is_announced_period(text, &parse_dates(text, &anchor)[0]));
        let text = "2023 年第一季度营收 5.39 亿元";
        assert!(!is_announced_period(text, &parse_dates(text, &anchor)[0]));
    }

    #[test]
    fn forecasts_are_not_events() {
        let anchor = DateAnchor { year: Some(2021), month: Some(11) };
        // The seed: the forecast after `意见征询期至 12 月 1 日结束。` is not an event at all,
        // neither on 12-01 (the clause before it) nor at the start of a quarter.
        let text = "10 月初 USTR 已经就 549 项商品的关税排除清单, 向公众征询意见, 意见征询期至 12 月 1 日结束。在双方元首视频会晤后, 预计年底前后, 关税排除程序有望正式落地生效。";
        let mentions = parse_dates(text, &anchor);
        let dates: Vec<(&str, bool)> = mentions.iter().map(|m| (m.text.as_str(), is_text_event_date(text, m))).collect();
        assert_eq!(dates, vec![("10 月初", true), ("12 月 1 日", true), ("年底", false)]);
        assert_eq!((mentions[2].date.as_str(), mentions[2].date_end.as_deref()), ("2021-12-01", Some("2021-12-31")), "年底 is December, not Q4");
        // The Fed comment: a scenario month.
        let text = "FOMC 在 3 月加息 25BP 悬念不大，但 5 月还不能排除加息 25BP 的的可能，需要等待数据确认";
        let mentions = parse_dates(text, &DateAnchor { year: Some(2023), month: Some(2) });
        assert!(is_forecast(text, &mentions[1]), "{}", mentions[1].text);
        // Announced plans and scheduled dates stay events.
        let text = "新车预计今年上半年上市。";
        assert!(is_text_event_date(text, &parse_dates(text, &DateAnchor { year: Some(2023), month: Some(3) })[0]));
        let text = "11月13日，外交部宣布11月16日中美元首将举行视频会晤。";
        assert!(parse_dates(text, &anchor).iter().all(|m| is_text_event_date(text, m)));
    }

    #[test]
    fn english_sentences_are_not_split_inside_their_dates() {
        use yanbao_model::{Block, BlockKind};
        // samples/en_us_2022-alphabet-annual-report-56-59.pdf, page 1.
        let text = "Our Class A stock has been listed on the Nasdaq Global Select Market under the symbol “GOOG” since August 19, 2004 and under the symbol “GOOGL” since April 3, 2014. Prior to August 19, 2004, there was no public market for our stock.";
        let mut report = Report { date: Some("2023-02-02".into()), ..Report::default() };
        report.blocks.push(Block { kind: BlockKind::Paragraph, text: text.into(), ..Block::default() });
        let events: Vec<(String, String)> = text_events(&report, &anchor_for(&report)).into_iter().map(|e| (e.date, e.text)).collect();
        assert_eq!(events.len(), 3, "{events:?}");
        let listing = "Our Class A stock has been listed on the Nasdaq Global Select Market under the symbol “GOOG” since August 19, 2004 and under the symbol “GOOGL” since April 3, 2014.";
        assert_eq!(events[0], ("2004-08-19".to_string(), listing.to_string()), "one clause, both dates: the whole of it");
        assert_eq!(events[1], ("2014-04-03".to_string(), listing.to_string()));
        assert_eq!(events[2], ("2004-08-19".to_string(), "Prior to August 19, 2004, there was no public market for our stock.".to_string()));
    }

    #[test]
    fn data_cutoffs_are_not_events() {
        let text = "截至11月12日，拜登支持率已经从上任时的53.9%下滑至42.8%";
        let mention = parse_dates(text, &DateAnchor { year: Some(2021), month: Some(11) }).remove(0);
        assert!(is_data_cutoff(text, &mention));
    }

    #[test]
    fn events_of_huge_sentences_are_bounded_and_point_into_their_block() {
        use yanbao_model::{Block, BlockKind};
        let filler = "公司持续推进产能扩张并加大研发投入，";
        let text = format!("前言。{}10月5日，USTR公布了549项产品清单，{}", filler.repeat(400), filler.repeat(400));
        let mut report = Report { date: Some("2021-11-15".into()), ..Report::default() };
        report.blocks.push(Block { kind: BlockKind::Paragraph, text: text.clone(), ..Block::default() });
        let events = text_events(&report, &anchor_for(&report));
        assert_eq!(events.len(), 1);
        let event = &events[0];
        assert!(event.text.chars().count() <= EVENT_TEXT_CHARS, "{}", event.text);
        assert!(event.text.contains("10月5日，USTR公布了549项产品清单"), "{}", event.text);
        let span = event.span.expect("span");
        assert_eq!(span, [3, text.chars().count()], "the whole sentence after 前言。");
    }

    #[test]
    fn data_periods_are_not_events() {
        assert!(is_data_period("2024 年 1-2 月"));
        assert!(!is_data_period("去年11月至今年4月"));
    }
}
