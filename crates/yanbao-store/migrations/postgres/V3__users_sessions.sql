-- yanbao's shared store, version 3: people who sign in and their sessions. A person has a role
-- and an Argon2id hash of their password (never the password); a session is kept as the SHA-256
-- of its secret (never the secret), with its CSRF token and when it ends (seconds since the
-- epoch). A person's sessions go with them.

CREATE TABLE users (
    name TEXT COLLATE "C" PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    hash TEXT COLLATE "C" PRIMARY KEY,
    user_name TEXT COLLATE "C" NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_name);
CREATE INDEX sessions_expiry ON sessions(expires_at);
