//! Chinese + English full-text search over reports, paragraphs, figures, tables and events (tantivy + jieba).
