-- yanbao's shared store, version 1: the same tables as the embedded store's schema 4, in
-- PostgreSQL types, plus the change feed search nodes follow.

-- One row per report. `seq` is the order reports were first stored (SQLite's rowid): the
-- company registry is relearned in that order. `doc` is the report JSON, zstd-compressed.
CREATE TABLE reports (
    id TEXT COLLATE "C" PRIMARY KEY,
    seq BIGSERIAL NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    institution TEXT,
    date TEXT,
    year INTEGER,
    language TEXT NOT NULL,
    media_type TEXT NOT NULL,
    pages INTEGER,
    source_path TEXT NOT NULL,
    added_at TEXT NOT NULL,
    format_version INTEGER NOT NULL,
    blocks INTEGER NOT NULL,
    figures INTEGER NOT NULL,
    tables INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    duplicate_of TEXT COLLATE "C",
    doc BYTEA NOT NULL
);
CREATE INDEX reports_listing ON reports ((date IS NULL), date DESC, added_at DESC, id);
CREATE INDEX reports_duplicate_of ON reports (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Source bytes, zstd-compressed when that saves space (text), raw otherwise (PDFs).
CREATE TABLE sources (
    id TEXT COLLATE "C" PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    bytes BYTEA NOT NULL,
    codec TEXT NOT NULL,
    original_len BIGINT NOT NULL
);

-- Same-report fingerprint bands: where copy candidates are looked up.
CREATE TABLE report_bands (
    band BIGINT NOT NULL,
    id TEXT COLLATE "C" NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    PRIMARY KEY (band, id)
);
CREATE INDEX report_bands_id ON report_bands (id);

CREATE TABLE events (
    report_id TEXT COLLATE "C" NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    date TEXT NOT NULL,
    search_text TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
);
CREATE INDEX events_order ON events (date, report_id, seq);

CREATE TABLE entities (
    report_id TEXT COLLATE "C" NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    name TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    code TEXT,
    PRIMARY KEY (report_id, name)
);
CREATE INDEX entities_by_mentions ON entities (name, mentions);
CREATE INDEX entities_code ON entities (code) WHERE code IS NOT NULL;

-- Counted as reports are written (see the embedded store's schema 3).
CREATE TABLE co_mentions (
    name TEXT COLLATE "C" NOT NULL,
    other TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL,
    reports BIGINT NOT NULL,
    PRIMARY KEY (name, other)
);

CREATE TABLE event_names (
    name TEXT COLLATE "C" NOT NULL,
    date TEXT NOT NULL,
    report_id TEXT COLLATE "C" NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    PRIMARY KEY (name, date, report_id, seq)
);
CREATE INDEX event_names_report ON event_names (report_id);

-- The company registry, in the order learned (`seq`).
CREATE TABLE companies (
    key TEXT COLLATE "C" PRIMARY KEY,
    seq BIGSERIAL NOT NULL UNIQUE,
    code TEXT NOT NULL,
    exchange TEXT,
    name TEXT COLLATE "C" NOT NULL,
    aliases TEXT[] NOT NULL DEFAULT '{}'
);
CREATE INDEX companies_code ON companies (code);
CREATE INDEX companies_name ON companies (name);

CREATE TABLE company_notes (
    report_id TEXT COLLATE "C" PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    name TEXT COLLATE "C" NOT NULL,
    code TEXT,
    exchange TEXT,
    rating TEXT,
    rating_action TEXT,
    target_price DOUBLE PRECISION,
    currency TEXT,
    date TEXT,
    institution TEXT
);
CREATE INDEX company_notes_code ON company_notes (code, date);
CREATE INDEX company_notes_name ON company_notes (name) WHERE code IS NULL;

CREATE TABLE company_forecasts (
    report_id TEXT COLLATE "C" NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    year INTEGER NOT NULL,
    metric TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE tokens (
    name TEXT COLLATE "C" PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE settings (
    key TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

-- The change feed: one row per change to a report (stored, replaced, removed, marked). Rows are
-- committed in `seq` order (writers take one advisory lock just before they add their row and
-- hold it to commit), so a follower that has applied every change up to N never later sees a
-- change below N appear. The largest `seq` is the store's generation.
CREATE TABLE changes (
    seq BIGSERIAL PRIMARY KEY,
    report_id TEXT COLLATE "C" NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX changes_report ON changes (report_id);
