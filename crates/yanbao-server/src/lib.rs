//! The web reader and JSON API over a yanbao library (axum).
