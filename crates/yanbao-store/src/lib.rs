//! The source of truth: report JSON and source bytes in SQLite (embedded) or PostgreSQL, behind one Store trait.
