//! Tokenisation for Chinese + English text: jieba words and CJK character bigrams.
//!
//! Two token streams are derived from the same text, and the index keeps one field for each:
//!
//! * **words** ([`word_tokens`]): Han runs cut by jieba in search mode (a long word also yields
//!   its dictionary sub-words), Latin words and numbers lowercased;
//! * **grams** ([`gram_tokens`]): every Han character as a unigram and every pair of adjacent Han
//!   characters as a bigram, Latin words and numbers as in the word stream. Grams give recall
//!   inside compounds that jieba cuts differently (中美元首 → 中/美元/首 loses 元首) and carry
//!   positions for phrase queries;
//! * **stems** ([`stem_tokens`]): each word of letters (`sales`, `Reaffirms`) lowercased and cut
//!   to its English stem (tantivy's Snowball stemmer: `sale`, `reaffirm`), so a word finds its
//!   other forms. Han text and numbers have no stem; the word field keeps the exact forms, which
//!   rank first.
//!
//! Offsets are byte offsets into the input text, as tantivy expects.
//!
//! Start-up cost: loading jieba's dictionary (349,045 words) takes tens of milliseconds, more
//! than a whole search. Indexing loads it once per process, on first use. Queries never do:
//! [`query_word_tokens`] cuts with a segmenter holding only the dictionary words that occur in
//! the query, looked up in a sorted copy of the dictionary compiled into the binary
//! ([`HAN_WORDS`]), with the full dictionary's total frequency — so the cut is exactly the full
//! dictionary's, and a new `yanbao search` process answers without loading it.

use std::sync::LazyLock;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};
use yanbao_model::normalize::is_han;

/// The jieba segmenter with its compiled-in dictionary, loaded once (tens of ms) on first use:
/// indexing only (queries use [`query_jieba`]).
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Forces the jieba dictionary to load now rather than on the first indexed text.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// The words of jieba's default dictionary made only of Han characters (all a Han run can
/// hold), one `word frequency` line each, sorted by bytes; generated from jieba-rs's
/// `src/data/dict.txt` as `data/README.md` says.
pub static HAN_WORDS: &str = include_str!("../data/jieba-han-words.txt");
/// Sum of the frequencies of every word of jieba's default dictionary (Han or not): the
/// denominator of jieba's word probabilities.
pub const DICT_TOTAL_FREQ: usize = 60_101_964;
/// Longest word of [`HAN_WORDS`], in characters.
const MAX_WORD_CHARS: usize = 16;
/// A word no Han run contains, carrying the frequency of the words left out of a query's
/// segmenter so that its total equals [`DICT_TOTAL_FREQ`].
const PADDING_WORD: &str = "\u{E000}";

/// Returns the line of [`HAN_WORDS`] starting at byte `at`: (word, frequency, next line).
fn dict_line(at: usize) -> (&'static str, usize, usize) {
    let rest = &HAN_WORDS[at..];
    let line_end = rest.find('\n').map_or(HAN_WORDS.len(), |i| at + i + 1);
    let line = HAN_WORDS[at..line_end].trim_end();
    let (word, freq) = line.split_once(' ').unwrap_or((line, "0"));
    (word, freq.parse().unwrap_or(0), line_end)
}

/// Returns the byte offset of the first line of [`HAN_WORDS`] whose word is not less than
/// `key` (the length of the text when there is none).
fn dict_lower_bound(key: &str) -> usize {
    let bytes = HAN_WORDS.as_bytes();
    let line_start = |mut at: usize| {
        while at > 0 && bytes[at - 1] != b'\n' {
            at -= 1;
        }
        at
    };
    // Invariant: every line starting before `low` is less than `key`; the line at `high` (a
    // line start) is not, or `high` is the end.
    let (mut low, mut high) = (0usize, HAN_WORDS.len());
    while low < high {
        let middle = line_start(low + (high - low) / 2);
        let middle = if middle < low { low } else { middle };
        let (word, _, next) = dict_line(middle);
        if word.as_bytes() < key.as_bytes() {
            low = next;
        } else {
            high = middle;
        }
    }
    low
}

/// Returns the dictionary words that occur in `run` (a Han run) with their frequencies.
fn dict_words_in(run: &str) -> Vec<(&'static str, usize)> {
    let mut found: Vec<(&'static str, usize)> = Vec::new();
    let starts: Vec<usize> = run.char_indices().map(|(i, _)| i).collect();
    for (position, &start) in starts.iter().enumerate() {
        for length in 1..=MAX_WORD_CHARS {
            let end = starts.get(position + length).copied().unwrap_or(run.len());
            let candidate = &run[start..end];
            let at = dict_lower_bound(candidate);
            if at >= HAN_WORDS.len() {
                break;
            }
            let (word, freq, _) = dict_line(at);
            if word == candidate {
                found.push((word, freq));
            } else if !word.starts_with(candidate) {
                // No longer word begins with this candidate.
                break;
            }
            if end == run.len() {
                break;
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Returns a jieba segmenter that cuts `run` exactly as the full dictionary does: it holds
/// the dictionary words occurring in `run`, and the full dictionary's total frequency.
fn query_jieba(run: &str) -> Jieba {
    let mut jieba = Jieba::empty();
    let mut sum = 0usize;
    for (word, freq) in dict_words_in(run) {
        jieba.add_word(word, Some(freq), None);
        sum += freq;
    }
    jieba.add_word(PADDING_WORD, Some(DICT_TOTAL_FREQ.saturating_sub(sum).max(1)), None);
    jieba
}

/// What a maximal run of characters is, for tokenisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// Han ideographs, cut by jieba.
    Han,
    /// Letters and digits of other scripts (Latin, Greek, kana…), one token per run.
    Alnum,
}

/// A maximal run of Han or alphanumeric characters, with its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Han or alphanumeric.
    pub kind: RunKind,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

/// A token of either stream: lowercased text, byte range in the source, and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// The indexed term text.
    pub text: String,
    /// Byte offset of the first character in the source text.
    pub from: usize,
    /// Byte offset just past the token in the source text.
    pub to: usize,
    /// Token position (the grams stream advances one per Han character).
    pub position: usize,
}

/// Returns the class of a character: Han, other alphanumeric, or a separator (`None`).
fn char_class(c: char) -> Option<RunKind> {
    if is_han(c) {
        Some(RunKind::Han)
    } else if c.is_alphanumeric() {
        Some(RunKind::Alnum)
    } else {
        None
    }
}

/// True when a `.` at byte `dot` joins two digits (`53.9`, `1.3`), so a number stays one token.
fn is_decimal_point(text: &str, dot: usize) -> bool {
    let before = text[..dot].chars().next_back();
    let after = text[dot + 1..].chars().next();
    matches!((before, after), (Some(b), Some(a)) if b.is_ascii_digit() && a.is_ascii_digit())
}

/// Splits text into maximal Han runs and alphanumeric runs, dropping punctuation and spaces.
///
/// A decimal point between digits stays inside its number (`53.9%` → `53.9`).
pub fn runs(text: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut current: Option<Run> = None;
    for (offset, c) in text.char_indices() {
        let class = char_class(c);
        let extends_number = c == '.'
            && matches!(current, Some(Run { kind: RunKind::Alnum, .. }))
            && is_decimal_point(text, offset);
        let kind = if extends_number { Some(RunKind::Alnum) } else { class };
        let end = offset + c.len_utf8();
        match (current.as_mut(), kind) {
            (Some(run), Some(kind)) if run.kind == kind => run.end = end,
            (_, Some(kind)) => {
                if let Some(run) = current.take() {
                    out.push(run);
                }
                current = Some(Run { kind, start: offset, end });
            }
            (_, None) => {
                if let Some(run) = current.take() {
                    out.push(run);
                }
            }
        }
    }
    if let Some(run) = current {
        out.push(run);
    }
    out
}

/// Returns the index form of a Latin word or number: lowercase.
pub fn fold_latin(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    push_folded(&mut out, word);
    out
}

/// Appends the lowercase form of a Latin word or number (ASCII fast path).
fn push_folded(out: &mut String, word: &str) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// A token as a byte range of the source text: no text is copied until it is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first character.
    pub from: usize,
    /// Byte offset just past the token.
    pub to: usize,
    /// Token position.
    pub position: usize,
    /// True for alphanumeric runs, which are lowercased.
    pub fold: bool,
}

impl Span {
    /// Writes the token text for this span of `text` into `out` (cleared first).
    fn write_text(&self, text: &str, out: &mut String) {
        out.clear();
        let slice = &text[self.from..self.to];
        if self.fold {
            push_folded(out, slice);
        } else {
            out.push_str(slice);
        }
    }

    /// Returns the token with its own text.
    fn to_tok(self, text: &str) -> Tok {
        let mut owned = String::new();
        self.write_text(text, &mut owned);
        Tok { text: owned, from: self.from, to: self.to, position: self.position }
    }
}

/// Returns the word stream of a text, as indexed: jieba search-mode words for Han runs
/// (the whole word and its dictionary sub-words), lowercased alphanumeric runs.
pub fn word_tokens(text: &str) -> Vec<Tok> {
    word_spans(text, true).into_iter().map(|span| span.to_tok(text)).collect()
}

/// Returns the word stream of a query: jieba's single best cut (no sub-words), so that a query
/// word must match a whole indexed word.
pub fn query_word_tokens(text: &str) -> Vec<Tok> {
    word_spans(text, false).into_iter().map(|span| span.to_tok(text)).collect()
}

/// Returns the spans of the word stream (search mode for indexing, best cut for queries).
fn word_spans(text: &str, search_mode: bool) -> Vec<Span> {
    let mut out = Vec::new();
    let mut position = 0;
    for run in runs(text) {
        let slice = &text[run.start..run.end];
        match run.kind {
            RunKind::Alnum => {
                out.push(Span { from: run.start, to: run.end, position, fold: true });
                position += 1;
            }
            RunKind::Han => {
                let cut = if search_mode { JIEBA.cut_for_search(slice, true) } else { query_jieba(slice).cut(slice, true) };
                for word in cut {
                    let from = run.start + word.byte_start;
                    let to = run.start + word.byte_end;
                    if word.word.trim().is_empty() || to > run.end || from >= to {
                        continue;
                    }
                    out.push(Span { from, to, position, fold: false });
                    position += 1;
                }
            }
        }
    }
    out
}

/// Returns the gram stream of a text: for each Han character its unigram and the bigram it
/// starts (both at the character's position), for each alphanumeric run one lowercased token.
pub fn gram_tokens(text: &str) -> Vec<Tok> {
    gram_spans(text, true).into_iter().map(|span| span.to_tok(text)).collect()
}

/// Returns the grams a query or phrase must match: bigrams of each Han run (the unigram only
/// for a run of one character) and lowercased alphanumeric runs, with positions.
pub fn query_gram_tokens(text: &str) -> Vec<Tok> {
    gram_spans(text, false).into_iter().map(|span| span.to_tok(text)).collect()
}

/// Returns the spans of the gram stream.
fn gram_spans(text: &str, with_unigrams: bool) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut position = 0;
    for run in runs(text) {
        match run.kind {
            RunKind::Alnum => {
                out.push(Span { from: run.start, to: run.end, position, fold: true });
                position += 1;
            }
            RunKind::Han => {
                let slice = &text[run.start..run.end];
                let single = slice.chars().nth(1).is_none();
                let mut chars = slice.char_indices().peekable();
                while let Some((offset, c)) = chars.next() {
                    let from = run.start + offset;
                    let char_end = from + c.len_utf8();
                    if with_unigrams || single {
                        out.push(Span { from, to: char_end, position, fold: false });
                    }
                    if let Some(&(_, next)) = chars.peek() {
                        out.push(Span { from, to: char_end + next.len_utf8(), position, fold: false });
                    }
                    position += 1;
                }
            }
        }
    }
    out
}

/// True when an alphanumeric run is a word that can have English forms: letters only, at least
/// one of them ASCII (`sales` is; `Q3` and `2023` hold digits, kana has no ASCII letter).
fn is_stemmable(word: &str) -> bool {
    word.chars().all(char::is_alphabetic) && word.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Returns the spans of the stem stream before stemming: the lowercased letter words.
fn stem_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut position = 0;
    for run in runs(text).into_iter().filter(|run| run.kind == RunKind::Alnum) {
        if is_stemmable(&text[run.start..run.end]) {
            out.push(Span { from: run.start, to: run.end, position, fold: true });
            position += 1;
        }
    }
    out
}

/// Returns the analyzer of the stem stream: letter words, lowercased, English stems.
pub fn stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(YanbaoTokenizer::new(Stream::Letters)).filter(Stemmer::new(Language::English)).build()
}

/// Returns the stem stream of a text, as indexed (see the module documentation).
pub fn stem_tokens(text: &str) -> Vec<Tok> {
    let mut analyzer = stem_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push(Tok { text: token.text.clone(), from: token.offset_from, to: token.offset_to, position: token.position });
    }
    out
}

/// Returns the English stem of one word (lowercased), or `None` when the word has none: Han
/// text, numbers, codes with digits.
pub fn word_stem(word: &str) -> Option<String> {
    if !is_stemmable(word) {
        return None;
    }
    stem_tokens(word).into_iter().next().map(|token| token.text)
}

/// True when the text holds a letter word, so its stem field is worth filling.
pub fn has_letter_words(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Which stream a [`YanbaoTokenizer`] produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// [`word_tokens`].
    Words,
    /// [`gram_tokens`].
    Grams,
    /// The letter words of [`stem_tokens`], lowercased but not yet stemmed (the analyzer's
    /// stemmer filter follows).
    Letters,
}

/// A tantivy tokenizer over [`word_tokens`] or [`gram_tokens`].
#[derive(Debug, Clone, Copy)]
pub struct YanbaoTokenizer {
    stream: Stream,
}

impl YanbaoTokenizer {
    /// Returns a tokenizer producing the given stream.
    pub fn new(stream: Stream) -> YanbaoTokenizer {
        YanbaoTokenizer { stream }
    }
}

/// The tokens of one text, handed to tantivy one by one; each token's text is written into
/// one reused buffer, so indexing allocates per text, not per token.
pub struct SpanTokenStream<'a> {
    text: &'a str,
    spans: std::vec::IntoIter<Span>,
    current: Token,
}

impl Tokenizer for YanbaoTokenizer {
    type TokenStream<'a> = SpanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanTokenStream<'a> {
        let spans = match self.stream {
            Stream::Words => word_spans(text, true),
            Stream::Grams => gram_spans(text, true),
            Stream::Letters => stem_spans(text),
        };
        SpanTokenStream { text, spans: spans.into_iter(), current: Token::default() }
    }
}

impl TokenStream for SpanTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self.spans.next() {
            Some(span) => {
                span.write_text(self.text, &mut self.current.text);
                self.current.offset_from = span.from;
                self.current.offset_to = span.to;
                self.current.position = span.position;
                self.current.position_length = 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(toks: &[Tok]) -> Vec<&str> {
        toks.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn runs_split_han_latin_and_keep_decimals() {
        // From the seed: "10 月 5 日 USTR（美国贸易代表办公室）公布关税排除清单"
        let text = "10 月 5 日 USTR（美国贸易代表办公室）公布关税排除清单";
        let kinds: Vec<(RunKind, &str)> = runs(text).iter().map(|r| (r.kind, &text[r.start..r.end])).collect();
        assert_eq!(kinds[0], (RunKind::Alnum, "10"));
        assert_eq!(kinds[1], (RunKind::Han, "月"));
        assert!(kinds.contains(&(RunKind::Alnum, "USTR")));
        assert!(kinds.contains(&(RunKind::Han, "公布关税排除清单")));
        let decimal = "支持率已经从上任时的53.9%下滑至42.8%";
        let numbers: Vec<&str> = runs(decimal).iter().filter(|r| r.kind == RunKind::Alnum).map(|r| &decimal[r.start..r.end]).collect();
        assert_eq!(numbers, vec!["53.9", "42.8"]);
        // A sentence-final dot is not a decimal point.
        let end = "增长 5. 下一句";
        assert!(runs(end).iter().any(|r| &end[r.start..r.end] == "5"));
    }

    #[test]
    fn words_cut_chinese_and_lowercase_latin() {
        let toks = word_tokens("10 月初 USTR 已经就 549 项商品的关税排除清单");
        let words = texts(&toks);
        assert!(words.contains(&"ustr"), "{words:?}");
        assert!(words.contains(&"549"), "{words:?}");
        assert!(words.contains(&"关税"), "{words:?}");
        for t in &toks {
            assert!(t.from < t.to);
        }
    }

    #[test]
    fn search_mode_adds_sub_words_but_query_mode_does_not() {
        let indexed = word_tokens("中华人民共和国");
        assert!(texts(&indexed).contains(&"人民"));
        let query = query_word_tokens("中华人民共和国");
        assert_eq!(texts(&query), vec!["中华人民共和国"]);
    }

    #[test]
    fn jieba_misses_yuanshou_inside_zhongmei_yuanshou_but_grams_keep_it() {
        // The seed heading "中美元首视频会晤" is cut 中/美元/首: the word 元首 is lost.
        let words = word_tokens("中美元首视频会晤");
        assert!(!texts(&words).contains(&"元首"));
        let grams = gram_tokens("中美元首视频会晤");
        assert!(texts(&grams).contains(&"元首"));
        assert!(texts(&grams).contains(&"中"));
    }

    #[test]
    fn gram_positions_advance_per_character() {
        let grams = gram_tokens("关税排除");
        let bigrams: Vec<(&str, usize)> = grams.iter().filter(|t| t.text.chars().count() == 2).map(|t| (t.text.as_str(), t.position)).collect();
        assert_eq!(bigrams, vec![("关税", 0), ("税排", 1), ("排除", 2)]);
        let query = query_gram_tokens("关税排除");
        assert_eq!(texts(&query), vec!["关税", "税排", "排除"]);
        assert_eq!(texts(&query_gram_tokens("铜")), vec!["铜"]);
    }

    #[test]
    fn tantivy_stream_matches_the_token_lists() {
        let text = "10 月初 USTR 已经就 549 项商品的关税排除清单，中美元首。Ünïcode ÉTÉ";
        for (stream, expected) in [(Stream::Words, word_tokens(text)), (Stream::Grams, gram_tokens(text))] {
            let mut tokenizer = YanbaoTokenizer::new(stream);
            let mut tokens = tokenizer.token_stream(text);
            let mut seen = Vec::new();
            while tokens.advance() {
                let t = tokens.token();
                seen.push(Tok { text: t.text.clone(), from: t.offset_from, to: t.offset_to, position: t.position });
            }
            assert_eq!(seen, expected);
        }
        assert!(word_tokens(text).iter().any(|t| t.text == "ünïcode"));
        assert!(word_tokens(text).iter().any(|t| t.text == "été"));
    }

    /// Real report text: the seed and a long Markdown report (the server's test fixtures).
    const REAL_TEXTS: [&str; 2] = [include_str!("../../yanbao-server/tests/fixtures/seed.txt"), include_str!("../../yanbao-server/tests/fixtures/mpb_foundry.md")];

    fn cut_words<'a>(jieba: &Jieba, text: &'a str) -> Vec<&'a str> {
        jieba.cut(text, true).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn query_cut_is_the_full_dictionary_cut() {
        let mut checked = 0;
        let mut long_runs: Vec<String> = Vec::new();
        for text in REAL_TEXTS {
            for run in runs(text).into_iter().filter(|r| r.kind == RunKind::Han) {
                let slice = &text[run.start..run.end];
                assert_eq!(cut_words(&query_jieba(slice), slice), cut_words(&JIEBA, slice), "{slice}");
                checked += 1;
                if slice.chars().count() > 20 {
                    long_runs.push(slice.to_string());
                }
            }
        }
        // Whole sentences glued into one long run (the query limit is 256 characters).
        for window in long_runs.chunks(6) {
            let joined: String = window.concat().chars().take(256).collect();
            assert_eq!(cut_words(&query_jieba(&joined), &joined), cut_words(&JIEBA, &joined), "{joined}");
        }
        for query in ["中美元首", "半导体", "血制品", "化学发光", "净利润增长", "产能利用率", "封装测试", "中华人民共和国", "白马", "铜", "𠀀中"] {
            assert_eq!(cut_words(&query_jieba(query), query), cut_words(&JIEBA, query), "{query}");
        }
        assert!(checked > 300, "{checked}");
    }

    #[test]
    fn the_compiled_word_list_is_jiebas_dictionary() {
        let mut previous = "";
        let mut count = 0usize;
        let mut at = 0;
        while at < HAN_WORDS.len() {
            let (word, _, next) = dict_line(at);
            assert!(previous.as_bytes() < word.as_bytes(), "not sorted at {word}");
            assert!(word.chars().all(is_han) && word.chars().count() <= MAX_WORD_CHARS, "{word}");
            assert!(JIEBA.has_word(word), "{word} is not in jieba's dictionary");
            previous = word;
            count += 1;
            at = next;
        }
        assert_eq!(count, 348_974);
        let described = format!("{:?}", *JIEBA);
        assert!(described.contains(&format!("total_freq: {DICT_TOTAL_FREQ}")), "{described}");
        assert_eq!(dict_words_in("半导体"), vec![("体", 9670), ("半", 8201), ("半导", 2), ("半导体", 866), ("导", 1274), ("导体", 290)]);
    }

    #[test]
    fn letter_words_are_stemmed_and_nothing_else() {
        // The Kroger release (samples/en_us_kroger-press-release-2023.pdf): "reaffirms", "sales".
        let stems = stem_tokens("Kroger Reaffirms 2023 guidance; identical sales without fuel up 3.5% in Q3 的销售");
        assert_eq!(texts(&stems), vec!["kroger", "reaffirm", "guidanc", "ident", "sale", "without", "fuel", "up", "in"]);
        assert_eq!(word_stem("Sales"), Some("sale".to_string()));
        assert_eq!(word_stem("sale"), word_stem("sales"));
        assert_eq!(word_stem("reaffirm"), word_stem("reaffirms"));
        assert_eq!(word_stem("2023"), None);
        assert_eq!(word_stem("Q3"), None);
        assert_eq!(word_stem("销售"), None);
        // Offsets point at the word as written.
        let text = "Net SALES rose";
        let sales = &stem_tokens(text)[1];
        assert_eq!(&text[sales.from..sales.to], "SALES");
    }

    #[test]
    fn junk_input_never_panics() {
        for junk in ["", "\"", "(((", "\u{0}\u{0}", "🎉🎉中", "...5.", ".5", "a.b.c", "\u{10FFFF}", "中"] {
            let _ = word_tokens(junk);
            let _ = gram_tokens(junk);
            let _ = query_word_tokens(junk);
            let _ = stem_tokens(junk);
            let _ = runs(junk);
        }
    }
}
