//! The library: ingest pipeline, store + index kept in agreement, search and timeline queries.
