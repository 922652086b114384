//! Events, entities and key numbers: dated events, named entities and amounts read off a structured report.
