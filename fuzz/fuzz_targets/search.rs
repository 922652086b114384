//! Any query string, with any other search fields (scope, dates, institution, author, company, year,
//! language, limit, offset, facets, report, grouping), goes through the query parser
//! (`yanbao_index::query::parse_query`) and the whole search path (`Library::search`: index,
//! snippets, facets, grouping, the store's copy counts) to `Ok` or a clean error.
//!
//! The library is built once per process, in memory, from the bundled text samples.
//! Input: the query's bytes (lossy UTF-8) up to the first NUL byte; the bytes after it fill the
//! other fields through `arbitrary` (none: the defaults). So a plain query is a valid seed
//! (`fuzz/seeds/search/`).
#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use yanbao_engine::{Library, Scope, SearchRequest};

/// The bundled text samples (`samples/*.md`, `*.txt`), compiled in so the target runs anywhere.
const SAMPLES: [(&str, &[u8]); 6] = [
    ("mpb_复苏仍有曲折.md", include_bytes!("../../samples/mpb_复苏仍有曲折.md")),
    ("mpb_新能源汽车产业链周报.md", include_bytes!("../../samples/mpb_新能源汽车产业链周报.md")),
    ("mpb_晶圆代工龙头.md", include_bytes!("../../samples/mpb_晶圆代工龙头.md")),
    ("mpb_美联储加息如期放缓.md", include_bytes!("../../samples/mpb_美联储加息如期放缓.md")),
    ("mpb_舍得酒业.md", include_bytes!("../../samples/mpb_舍得酒业.md")),
    ("seed_中美元首视频会晤.txt", include_bytes!("../../samples/seed_中美元首视频会晤.txt")),
];

fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let library = Library::open_in_memory().expect("an in-memory library");
        for (name, bytes) in SAMPLES {
            let result = library.ingest_bytes(name, bytes).expect("a sample is ingested");
            assert!(result.error.is_none(), "{name}: {:?}", result.error);
        }
        library
    })
}

/// The fields of a `SearchRequest` other than the query.
#[derive(Debug, Default, Arbitrary)]
struct Fields {
    scope: u8,
    from: Option<String>,
    to: Option<String>,
    institution: Option<String>,
    author: Option<String>,
    company: Option<String>,
    year: Option<i32>,
    language: Option<String>,
    limit: usize,
    offset: usize,
    with_facets: bool,
    report: Option<String>,
    group_by_report: Option<bool>,
}

const SCOPES: [Scope; 6] = [Scope::All, Scope::Reports, Scope::Paragraphs, Scope::Figures, Scope::Tables, Scope::Events];

fuzz_target!(
    init: {
        library();
    },
    |data: &[u8]| {
        let (query, rest) = match data.iter().position(|&b| b == 0) {
            Some(at) => (&data[..at], &data[at + 1..]),
            None => (data, &[][..]),
        };
        let query = String::from_utf8_lossy(query).into_owned();
        let fields = Fields::arbitrary_take_rest(Unstructured::new(rest)).unwrap_or_default();
        // The parser alone: Ok, or its one refusal: too long (over 256 characters, or over 32
        // words after segmentation).
        if let Err(e) = yanbao_index::query::parse_query(&query) {
            assert!(matches!(e, yanbao_index::IndexError::QueryTooLong(_)), "{query:?} refused: {e}");
        }
        let request = SearchRequest {
            query,
            scope: SCOPES[fields.scope as usize % SCOPES.len()],
            from: fields.from,
            to: fields.to,
            institution: fields.institution,
            author: fields.author,
            company: fields.company,
            year: fields.year,
            language: fields.language,
            limit: fields.limit,
            offset: fields.offset,
            with_facets: fields.with_facets,
            report: fields.report,
            group_by_report: fields.group_by_report,
        };
        let _ = library().search(&request);
    }
);
