-- yanbao's shared store, version 4: report pictures (pages and charts rendered by the PDF
-- worker). Each encoded picture is kept once by its SHA-256; a report's keys (`page/3`,
-- `figure/2/thumb`) point at them and go with the report.
CREATE TABLE pictures (
    hash TEXT COLLATE "C" PRIMARY KEY,
    media_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes BYTEA NOT NULL
);

CREATE TABLE report_pictures (
    report_id TEXT COLLATE "C" NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    key TEXT COLLATE "C" NOT NULL,
    hash TEXT COLLATE "C" NOT NULL REFERENCES pictures(hash),
    PRIMARY KEY (report_id, key)
);

CREATE INDEX report_pictures_hash ON report_pictures(hash);
