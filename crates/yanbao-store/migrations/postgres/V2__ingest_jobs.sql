-- yanbao's shared store, version 2: ingest as a job queue. `yanbao enqueue` (or an upload to a
-- node) records a job with its source bytes; `yanbao worker`s claim jobs with
-- FOR UPDATE SKIP LOCKED under a lease they renew. A job whose worker died goes back to the
-- queue when its lease runs out; after three such deaths it is failed with the reason.

-- Source bytes waiting for a worker, by SHA-256: the same file enqueued twice is kept once. A
-- row lives until its last job is done (the report then keeps the bytes in `sources`); a
-- failed job keeps its bytes so it can be retried.
CREATE TABLE job_sources (
    sha256 TEXT COLLATE "C" PRIMARY KEY,
    bytes BYTEA NOT NULL
);

CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    sha256 TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    bytes_len BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    worker TEXT,
    lease_until TIMESTAMPTZ,
    report_id TEXT COLLATE "C",
    outcome TEXT,
    error TEXT,
    enqueued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ
);
-- What workers look at: the jobs not finished, oldest first.
CREATE INDEX jobs_open ON jobs (id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_sha256 ON jobs (sha256);
CREATE INDEX jobs_state ON jobs (state, id);
