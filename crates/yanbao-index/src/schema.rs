//! The index schema and the documents built from a [`Report`].
//!
//! One tantivy document per report, per text block (heading, paragraph, list), per figure, per
//! table and per event. Each searchable text exists three times: a word field (jieba, exact
//! forms), a gram field (character bigrams) and a stem field (English stems of its letter words,
//! so `sale` finds `sales`). Stored fields are enough to build a hit without the store, including
//! whether its block is in the public preview.
//!
//! Boilerplate blocks (disclaimers, rating definitions, contact blocks — `Block::boilerplate`)
//! are left out of the index altogether: they get no document of their own (no paragraph,
//! figure, table or event hit can point into one) and their text is not part of the
//! report-level document. See the crate documentation for why.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::TantivyDocument;
use yanbao_model::normalize::{fold, source_without_label};
use yanbao_model::{BlockKind, Report};

use crate::query::{date_key, DateEnd};
use crate::tokenize::has_letter_words;

/// Version of the schema and of the tokenisation; an index written with another version must be
/// rebuilt. Bump it whenever a field or a tokenizer changes. (4: stem fields, block kind, report
/// key for grouping hits by report; 5: each kind of document's text in fields of its own — a
/// scope reads postings of its documents only, no kind filter over every passage — and each
/// report's documents contiguous; 7: a figure's place among its report's figures, when its
/// chart has a picture; 8: reports of format 6 — institutions, labels and sources in the
/// vocabulary's one form, so the institution facet counts each broker once.)
pub const INDEX_VERSION: u32 = 8;
/// Name of the registered word tokenizer.
pub const WORDS_TOKENIZER: &str = "yanbao_words";
/// Name of the registered gram tokenizer.
pub const GRAMS_TOKENIZER: &str = "yanbao_grams";
/// Name of the registered stem analyzer (English stems of letter words).
pub const STEMS_TOKENIZER: &str = "yanbao_stems";
/// Name of the fast field holding [`report_key`].
pub const REPORT_KEY_FIELD: &str = "report_key";

/// The kinds of indexed documents, as written in hits.
pub const KIND_REPORT: &str = "report";
/// A heading, paragraph or list block.
pub const KIND_PARAGRAPH: &str = "paragraph";
/// A figure.
pub const KIND_FIGURE: &str = "figure";
/// A table.
pub const KIND_TABLE: &str = "table";
/// A dated event.
pub const KIND_EVENT: &str = "event";

/// Handles of every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Report id (exact, stored, fast): deletes and report listing.
    pub report_id: Field,
    /// [`report_key`] of the report id (fast): groups hits by report without string lookups.
    pub report_key: Field,
    /// Document kind (`report`, `paragraph`…).
    pub kind: Field,
    /// Report title, stored for hits.
    pub title: Field,
    /// Title words (report documents only), boosted.
    pub title_words: Field,
    /// Title grams (report documents only), boosted.
    pub title_grams: Field,
    /// Title stems (report documents only), boosted.
    pub title_stems: Field,
    /// Figure/table label and caption words, boosted.
    pub caption_words: Field,
    /// Figure/table label and caption grams, boosted.
    pub caption_grams: Field,
    /// Figure/table label and caption stems, boosted.
    pub caption_stems: Field,
    /// Paragraph words (text blocks: paragraphs, headings, lists).
    pub body_words: Field,
    /// Paragraph grams (with positions, for phrases).
    pub body_grams: Field,
    /// Paragraph stems.
    pub body_stems: Field,
    /// Figure/table words besides the caption: source, notes, table header and cells.
    pub note_words: Field,
    /// Figure/table grams besides the caption.
    pub note_grams: Field,
    /// Figure/table stems besides the caption.
    pub note_stems: Field,
    /// Event words (the event's sentence and actors).
    pub event_words: Field,
    /// Event grams.
    pub event_grams: Field,
    /// Event stems.
    pub event_stems: Field,
    /// Report documents: the whole report's words (people and body). Kept apart from the
    /// blocks' body fields so ranking reports reads postings of reports only, never of the
    /// millions of passages (see `SearchIndex::search`).
    pub report_words: Field,
    /// Report documents: the whole report's grams (with positions, for phrases).
    pub report_grams: Field,
    /// Report documents: the whole report's stems.
    pub report_stems: Field,
    /// Stored text the snippet is cut from.
    pub text: Field,
    /// Institution as printed (stored, fast: facets).
    pub institution: Field,
    /// Normalised institution (filter).
    pub institution_key: Field,
    /// The company a note covers, its name as printed (fast: facets).
    pub company: Field,
    /// The covered company's normalised name and its bare code, lowercased (filter).
    pub company_key: Field,
    /// Authors as printed (fast: facets).
    pub author: Field,
    /// Normalised authors (filter).
    pub author_key: Field,
    /// Language, lowercased.
    pub language: Field,
    /// Report year (stored: a hit of a report known only by its year shows the year).
    pub year: Field,
    /// Report date as printed in the report JSON (stored).
    pub date: Field,
    /// Date key `YYYYMMDD`: the report date, or the event date for events (range filters).
    pub date_key: Field,
    /// Event date (stored, events only).
    pub event_date: Field,
    /// 1-based page (stored).
    pub page: Field,
    /// Block index (stored).
    pub block: Field,
    /// Figure documents whose chart has a picture (a PDF figure with its region): the figure's
    /// index in the report's `figures` (stored).
    pub figure: Field,
    /// Kind of the block of a paragraph document: `heading`, `paragraph` or `list` (stored).
    pub block_kind: Field,
    /// 1 when the document's block is in the report's public preview (stored; block documents).
    pub previewed: Field,
    /// Report documents: index of the first block beyond the preview cut (fast).
    pub preview_end: Field,
    /// Report documents: blocks before [`preview_end`](Self::preview_end) the preview does not
    /// show (boilerplate), one value each (fast).
    pub preview_hidden: Field,
    /// Figure/table label (stored).
    pub label: Field,
    /// Figure/table caption (stored).
    pub caption: Field,
    /// Figure/table source line (stored).
    pub source: Field,
}

/// Returns text options for a searchable, unstored field.
fn searchable(tokenizer: &str, positions: bool) -> TextOptions {
    let record = if positions { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
    TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record))
}

/// Builds the schema and returns it with its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stored_i64 = NumericOptions::default().set_stored();
    let indexed_fast_i64 = NumericOptions::default().set_indexed().set_fast();
    let fields = Fields {
        report_id: b.add_text_field("report_id", STRING | STORED | FAST),
        report_key: b.add_u64_field(REPORT_KEY_FIELD, FAST),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        title: b.add_text_field("title", STORED),
        title_words: b.add_text_field("title_words", searchable(WORDS_TOKENIZER, false)),
        title_grams: b.add_text_field("title_grams", searchable(GRAMS_TOKENIZER, true)),
        title_stems: b.add_text_field("title_stems", searchable(STEMS_TOKENIZER, false)),
        caption_words: b.add_text_field("caption_words", searchable(WORDS_TOKENIZER, false)),
        caption_grams: b.add_text_field("caption_grams", searchable(GRAMS_TOKENIZER, true)),
        caption_stems: b.add_text_field("caption_stems", searchable(STEMS_TOKENIZER, false)),
        body_words: b.add_text_field("body_words", searchable(WORDS_TOKENIZER, false)),
        body_grams: b.add_text_field("body_grams", searchable(GRAMS_TOKENIZER, true)),
        body_stems: b.add_text_field("body_stems", searchable(STEMS_TOKENIZER, false)),
        note_words: b.add_text_field("note_words", searchable(WORDS_TOKENIZER, false)),
        note_grams: b.add_text_field("note_grams", searchable(GRAMS_TOKENIZER, true)),
        note_stems: b.add_text_field("note_stems", searchable(STEMS_TOKENIZER, false)),
        event_words: b.add_text_field("event_words", searchable(WORDS_TOKENIZER, false)),
        event_grams: b.add_text_field("event_grams", searchable(GRAMS_TOKENIZER, true)),
        event_stems: b.add_text_field("event_stems", searchable(STEMS_TOKENIZER, false)),
        report_words: b.add_text_field("report_words", searchable(WORDS_TOKENIZER, false)),
        report_grams: b.add_text_field("report_grams", searchable(GRAMS_TOKENIZER, true)),
        report_stems: b.add_text_field("report_stems", searchable(STEMS_TOKENIZER, false)),
        text: b.add_text_field("text", STORED),
        institution: b.add_text_field("institution", STORED | FAST),
        institution_key: b.add_text_field("institution_key", STRING),
        company: b.add_text_field("company", FAST),
        company_key: b.add_text_field("company_key", STRING),
        author: b.add_text_field("author", FAST),
        author_key: b.add_text_field("author_key", STRING),
        language: b.add_text_field("language", STRING | FAST),
        year: b.add_i64_field("year", indexed_fast_i64.clone().set_stored()),
        date: b.add_text_field("date", STORED),
        date_key: b.add_i64_field("date_key", indexed_fast_i64),
        event_date: b.add_text_field("event_date", STORED),
        page: b.add_i64_field("page", stored_i64.clone()),
        block: b.add_i64_field("block", stored_i64.clone()),
        figure: b.add_i64_field("figure", stored_i64),
        block_kind: b.add_text_field("block_kind", STORED),
        previewed: b.add_u64_field("previewed", STORED),
        preview_end: b.add_u64_field("preview_end", FAST),
        preview_hidden: b.add_u64_field("preview_hidden", FAST),
        label: b.add_text_field("label", STORED),
        caption: b.add_text_field("caption", STORED),
        source: b.add_text_field("source", STORED),
    };
    (b.build(), fields)
}

/// Returns the filter key of a name: folded (NFKC, no whitespace) and lowercased, so
/// `光大证券 研究所` and `光大证券研究所` filter the same.
pub fn name_key(name: &str) -> String {
    fold(name).to_lowercase()
}

/// Returns the grouping key of a report id: its 64-bit FNV-1a hash (two ids of a library
/// sharing one is a one-in-10^9 event at 100,000 reports; they would then be grouped together).
pub fn report_key(id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Fields every document of a report carries.
fn report_common(report: &Report, f: &Fields, kind: &str) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.report_id, &report.id);
    doc.add_u64(f.report_key, report_key(&report.id));
    doc.add_text(f.kind, kind);
    doc.add_text(f.title, &report.title);
    if let Some(institution) = report.institution.as_deref().filter(|s| !s.trim().is_empty()) {
        doc.add_text(f.institution, institution.trim());
        doc.add_text(f.institution_key, name_key(institution));
    }
    if let Some(company) = report.company.as_ref().filter(|c| !c.name.trim().is_empty()) {
        doc.add_text(f.company, company.name.trim());
        doc.add_text(f.company_key, name_key(&company.name));
        if let Some(code) = company.code.as_deref().filter(|c| !c.trim().is_empty()) {
            doc.add_text(f.company_key, name_key(code));
        }
    }
    for author in report.authors.iter().filter(|a| !a.trim().is_empty()) {
        doc.add_text(f.author, author.trim());
        doc.add_text(f.author_key, name_key(author));
    }
    let language = report.language.trim().to_lowercase();
    if !language.is_empty() {
        doc.add_text(f.language, language);
    }
    if let Some(year) = report_year(report) {
        doc.add_i64(f.year, year);
    }
    if let Some(date) = report.date.as_deref() {
        doc.add_text(f.date, date);
    }
    doc
}

/// Returns the report year: the `year` field, else the year of the date.
fn report_year(report: &Report) -> Option<i64> {
    if let Some(year) = report.year {
        return Some(i64::from(year));
    }
    date_key(report.date.as_deref()?, DateEnd::Start).map(|key| key / 10_000)
}

/// The word, gram and stem fields of one searchable text (title, caption or body).
#[derive(Debug, Clone, Copy)]
struct TextFields {
    words: Field,
    grams: Field,
    stems: Field,
}

impl Fields {
    /// The title's fields.
    fn title_text(&self) -> TextFields {
        TextFields { words: self.title_words, grams: self.title_grams, stems: self.title_stems }
    }

    /// The figure/table caption's fields.
    fn caption_text(&self) -> TextFields {
        TextFields { words: self.caption_words, grams: self.caption_grams, stems: self.caption_stems }
    }

    /// The body's fields.
    fn body_text(&self) -> TextFields {
        TextFields { words: self.body_words, grams: self.body_grams, stems: self.body_stems }
    }

    /// A figure's or table's fields besides its caption.
    fn note_text(&self) -> TextFields {
        TextFields { words: self.note_words, grams: self.note_grams, stems: self.note_stems }
    }

    /// An event's fields.
    fn event_text(&self) -> TextFields {
        TextFields { words: self.event_words, grams: self.event_grams, stems: self.event_stems }
    }

    /// The whole report's fields (report documents).
    fn report_text(&self) -> TextFields {
        TextFields { words: self.report_words, grams: self.report_grams, stems: self.report_stems }
    }
}

/// Adds the text to the word and gram fields, and to the stem field when it has letter words
/// (most Chinese text has none: no empty values to store).
fn add_searchable(doc: &mut TantivyDocument, fields: TextFields, text: &str) {
    if !text.trim().is_empty() {
        doc.add_text(fields.words, text);
        doc.add_text(fields.grams, text);
        if has_letter_words(text) {
            doc.add_text(fields.stems, text);
        }
    }
}

/// Adds the date key when the date parses.
fn add_date_key(doc: &mut TantivyDocument, f: &Fields, date: Option<&str>) {
    if let Some(key) = date.and_then(|d| date_key(d, DateEnd::Start)) {
        doc.add_i64(f.date_key, key);
    }
}

/// Adds page, block and whether the block is in the preview.
fn add_location(doc: &mut TantivyDocument, f: &Fields, page: Option<u32>, block: usize, preview: &Preview) {
    if let Some(page) = page {
        doc.add_i64(f.page, i64::from(page));
    }
    if let Ok(index) = i64::try_from(block) {
        doc.add_i64(f.block, index);
    }
    doc.add_u64(f.previewed, u64::from(preview.shows(block)));
}

/// Returns the report's text for the report-level document: its body blocks, in order
/// (boilerplate is left out).
pub fn report_text(report: &Report) -> String {
    let mut text = String::new();
    for (_, block) in report.body_blocks() {
        let block_text = block.text.trim();
        if block_text.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(block_text);
    }
    text
}

/// Which blocks of a report its public preview shows, as the index records it.
struct Preview<'a> {
    /// Shown block indices, ascending.
    shown: &'a [usize],
}

impl Preview<'_> {
    /// True when block `index` is shown.
    fn shows(&self, index: usize) -> bool {
        self.shown.binary_search(&index).is_ok()
    }

    /// Index just past the last shown block (0 when none is shown).
    fn end(&self) -> usize {
        self.shown.last().map_or(0, |last| last + 1)
    }
}

/// True when block `index` of the report is boilerplate (unknown blocks are not).
fn is_boilerplate(report: &Report, index: usize) -> bool {
    report.blocks.get(index).is_some_and(|b| b.boilerplate)
}

/// Joins non-empty parts with the separator.
fn join_parts<'a>(parts: impl IntoIterator<Item = &'a str>, separator: &str) -> String {
    let kept: Vec<&str> = parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect();
    kept.join(separator)
}

/// Builds every document of a report; `shown` lists (ascending) the blocks its public preview
/// shows.
///
/// Boilerplate blocks make no document, and figures, tables and events placed in one are left
/// out too.
pub fn report_documents(report: &Report, f: &Fields, shown: &[usize]) -> Vec<TantivyDocument> {
    let mut docs = Vec::new();
    let preview = Preview { shown };

    // The report as a whole: title, people, institution and all body text.
    let mut whole = report_common(report, f, KIND_REPORT);
    let body = report_text(report);
    add_searchable(&mut whole, f.title_text(), &report.title);
    // The company a note covers, by name and code, weighs like the title: searching 603477,
    // 603477.SH or 巨星农牧 finds the notes about it before reports that merely name it.
    if let Some(company) = &report.company {
        let code = match (&company.code, &company.exchange) {
            (Some(code), Some(exchange)) => format!("{code} {code}.{exchange}"),
            (Some(code), None) => code.clone(),
            _ => String::new(),
        };
        add_searchable(&mut whole, f.title_text(), &join_parts([company.name.as_str(), code.as_str()], " "));
    }
    let subtitle = report.subtitle.as_deref().unwrap_or("");
    let people = join_parts(
        [subtitle, report.institution.as_deref().unwrap_or(""), report.publisher.as_deref().unwrap_or("")]
            .into_iter()
            .chain(report.authors.iter().map(String::as_str)),
        " ",
    );
    add_searchable(&mut whole, f.report_text(), &people);
    add_searchable(&mut whole, f.report_text(), &body);
    // No stored text: a hit on the report shows a snippet of its best passage (see
    // `SearchIndex::search`), so no search reads a whole report.
    add_date_key(&mut whole, f, report.date.as_deref());
    // Where the preview ends, for links to a block cited outside search (timeline, entities).
    let end = preview.end();
    whole.add_u64(f.preview_end, end as u64);
    for index in (0..end).filter(|&i| !preview.shows(i)) {
        whole.add_u64(f.preview_hidden, index as u64);
    }
    docs.push(whole);

    // Text blocks.
    for (index, block) in report.blocks.iter().enumerate() {
        if block.boilerplate || !matches!(block.kind, BlockKind::Heading | BlockKind::Paragraph | BlockKind::List) || block.text.trim().is_empty() {
            continue;
        }
        let mut doc = report_common(report, f, KIND_PARAGRAPH);
        add_searchable(&mut doc, f.body_text(), &block.text);
        doc.add_text(f.text, block.text.trim());
        doc.add_text(f.block_kind, block.kind.as_str());
        add_date_key(&mut doc, f, report.date.as_deref());
        add_location(&mut doc, f, block.page, index, &preview);
        docs.push(doc);
    }

    // Figures: label + caption boosted, source and notes in the body.
    let pdf = report.source.media_type == "application/pdf";
    for (k, figure) in report.figures.iter().enumerate().filter(|(_, figure)| !is_boilerplate(report, figure.block)) {
        let mut doc = report_common(report, f, KIND_FIGURE);
        if pdf && figure.bbox.is_some() {
            doc.add_i64(f.figure, k as i64);
        }
        let heading = join_parts([figure.label.as_str(), figure.caption.as_str()], " ");
        let rest = join_parts([figure.source.as_deref().unwrap_or(""), figure.notes.as_deref().unwrap_or("")], "\n");
        add_searchable(&mut doc, f.caption_text(), &heading);
        add_searchable(&mut doc, f.note_text(), &rest);
        doc.add_text(f.text, join_parts([heading.as_str(), rest.as_str()], "\n"));
        add_figure_like(&mut doc, f, &figure.label, &figure.caption, figure.source.as_deref());
        add_date_key(&mut doc, f, report.date.as_deref());
        add_location(&mut doc, f, figure.page, figure.block, &preview);
        docs.push(doc);
    }

    // Tables: label + caption boosted, header, cells, source and notes in the body.
    for table in report.tables.iter().filter(|table| !is_boilerplate(report, table.block)) {
        let mut doc = report_common(report, f, KIND_TABLE);
        let heading = join_parts([table.label.as_str(), table.caption.as_str()], " ");
        let mut lines = vec![join_parts(table.header.iter().map(String::as_str), " | ")];
        for row in &table.rows {
            lines.push(join_parts(row.iter().map(String::as_str), " | "));
        }
        lines.push(table.source.clone().unwrap_or_default());
        lines.push(table.notes.clone().unwrap_or_default());
        let rest = join_parts(lines.iter().map(String::as_str), "\n");
        add_searchable(&mut doc, f.caption_text(), &heading);
        add_searchable(&mut doc, f.note_text(), &rest);
        doc.add_text(f.text, join_parts([heading.as_str(), rest.as_str()], "\n"));
        add_figure_like(&mut doc, f, &table.label, &table.caption, table.source.as_deref());
        add_date_key(&mut doc, f, report.date.as_deref());
        add_location(&mut doc, f, table.page, table.block, &preview);
        docs.push(doc);
    }

    // Events: dated on their own date.
    for event in report.events.iter().filter(|event| !is_boilerplate(report, event.block)) {
        let mut doc = report_common(report, f, KIND_EVENT);
        let actors = join_parts(event.actors.iter().map(String::as_str), " ");
        add_searchable(&mut doc, f.event_text(), &join_parts([event.text.as_str(), actors.as_str()], "\n"));
        doc.add_text(f.text, event.text.trim());
        if !event.date.trim().is_empty() {
            doc.add_text(f.event_date, event.date.trim());
        }
        add_date_key(&mut doc, f, Some(event.date.as_str()));
        let page = report.blocks.get(event.block).and_then(|b| b.page);
        add_location(&mut doc, f, page, event.block, &preview);
        docs.push(doc);
    }
    docs
}

/// Adds the stored label, caption and source of a figure or table.
fn add_figure_like(doc: &mut TantivyDocument, f: &Fields, label: &str, caption: &str, source: Option<&str>) {
    if !label.trim().is_empty() {
        doc.add_text(f.label, label.trim());
    }
    if !caption.trim().is_empty() {
        doc.add_text(f.caption, caption.trim());
    }
    // Without its label even for reports stored before parsers dropped it, so hits never
    // print `资料来源：资料来源：…`.
    if let Some(source) = source.map(source_without_label).filter(|s| !s.is_empty()) {
        doc.add_text(f.source, source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_model::{Block, Event, Figure};

    #[test]
    fn name_keys_ignore_spacing_and_case() {
        assert_eq!(name_key("光大证券 研究所"), name_key("光大证券研究所"));
        assert_eq!(name_key("CICC"), name_key("cicc"));
    }

    #[test]
    fn one_document_per_block_figure_and_event() {
        let (_, f) = build_schema();
        let report = Report {
            id: "r1".into(),
            title: "中美元首视频会晤, 可能谈些什么".into(),
            date: Some("2021-11-15".into()),
            blocks: vec![
                Block { kind: BlockKind::Heading, text: "一、中美元首视频会晤，可能会谈些什么？".into(), ..Block::default() },
                Block { kind: BlockKind::Figure, text: "图1".into(), ..Block::default() },
                Block { kind: BlockKind::Paragraph, text: "  ".into(), ..Block::default() },
            ],
            figures: vec![Figure { label: "图 1".into(), caption: "拜登支持率".into(), block: 1, ..Figure::default() }],
            events: vec![Event { date: "2021-10-05".into(), text: "USTR 公布关税排除清单".into(), block: 0, ..Event::default() }],
            ..Report::default()
        };
        let docs = report_documents(&report, &f, &[0, 1]);
        // report + heading + figure + event; the figure block and the blank paragraph make none.
        assert_eq!(docs.len(), 4);
    }

    #[test]
    fn boilerplate_is_left_out_of_every_document() {
        let (_, f) = build_schema();
        let report = Report {
            id: "r2".into(),
            blocks: vec![
                Block { text: "免责声明".into(), boilerplate: true, ..Block::default() },
                Block { text: "正文".into(), ..Block::default() },
                Block { kind: BlockKind::Table, text: "评级说明".into(), boilerplate: true, ..Block::default() },
            ],
            tables: vec![yanbao_model::Table { label: "表 9".into(), caption: "评级说明".into(), block: 2, ..yanbao_model::Table::default() }],
            ..Report::default()
        };
        assert_eq!(report_text(&report), "正文");
        // The report and the one body paragraph; neither the disclaimer nor the rating table.
        let docs = report_documents(&report, &f, &[1]);
        assert_eq!(docs.len(), 2);
        let previewed = |doc: &TantivyDocument| doc.get_first(f.previewed).and_then(|v| tantivy::schema::Value::as_u64(&v));
        assert_eq!(previewed(&docs[1]), Some(1));
        // The report document knows where the preview ends and which block before it is hidden.
        let hidden: Vec<u64> = docs[0].get_all(f.preview_hidden).filter_map(|v| tantivy::schema::Value::as_u64(&v)).collect();
        assert_eq!(hidden, vec![0]);
    }
}
