//! The OpenAPI 3.1 description of the JSON API, served at `/api/openapi.json`.
//!
//! It is the API's contract, and it is checked: a test sends every documented operation to the
//! real routes, and `scripts/api-contract.sh` has Schemathesis drive every operation with
//! generated valid and invalid input (following the `links` between operations) and check each
//! answer against this document. So the document states what the server enforces — the bounds of
//! every number, the forms of dates, ids and names, the limits of this server's configuration —
//! and the response schemas state what the handlers return, field by field.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::api::{self, DATE_PATTERN};
use crate::{AppState, ServerConfig};

/// The pattern of a report id (what [`yanbao_engine::is_report_id`] accepts).
const REPORT_ID_PATTERN: &str = "^[0-9a-fA-F]{1,64}$";

/// Returns a reference to a shared schema.
fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Returns a JSON response description.
fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

/// Returns a JSON response description with links to other operations.
fn linked_response(description: &str, schema: Value, links: Value) -> Value {
    let mut response = json_response(description, schema);
    response["links"] = links;
    response
}

/// Returns the error responses shared by the operations.
fn error_response(description: &str) -> Value {
    json_response(description, schema_ref("Error"))
}

/// Returns an optional query parameter. An empty value (`?limit=`) is the same as none, which the
/// document says with `allowEmptyValue`.
fn query_param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "allowEmptyValue": true, "description": description, "schema": schema })
}

/// Returns a path parameter.
fn path_param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": schema })
}

/// Returns the schema of a whole number from `min` to `max`.
fn count(min: u64, max: u64) -> Value {
    json!({ "type": "integer", "minimum": min, "maximum": max })
}

/// Returns the schema of a nullable value of one type.
fn nullable(kind: &str) -> Value {
    json!({ "type": [kind, "null"] })
}

/// Returns an object schema whose properties are all required.
fn object(properties: Value) -> Value {
    let required: Vec<String> = properties.as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    json!({ "type": "object", "required": required, "properties": properties })
}

/// Returns the schema of a list of `[value, count]` pairs (facets).
fn counted_values() -> Value {
    json!({ "type": "array", "items": { "type": "array", "prefixItems": [{ "type": "string" }, { "type": "integer", "minimum": 0 }], "minItems": 2, "maxItems": 2 } })
}

/// Returns a link to an operation taking a report id from `pointer` in the response body.
fn report_link(operation: &str, pointer: &str, description: &str) -> Value {
    json!({ "operationId": operation, "parameters": { "id": format!("$response.body#{pointer}") }, "description": description })
}

/// Returns the links from a response carrying a report id at `pointer`: its preview, the full
/// report and a share link.
fn report_links(pointer: &str, what: &str) -> Value {
    json!({
        "GetPreview": report_link("getReportPreview", pointer, &format!("the public preview of {what}")),
        "GetReport": report_link("getReport", pointer, &format!("the full text of {what}")),
        "ShareReport": report_link("shareReport", pointer, &format!("a share link to {what}"))
    })
}

/// Returns the schema of a company overview (`GET /api/companies/{code}`), built apart: one
/// `json!` of the whole document would pass the macro's recursion limit.
fn company_overview_schema() -> Value {
    let forecast = json!({ "type": "object", "properties": { "year": { "type": "integer" }, "metric": { "type": "string" }, "value": { "type": "number" }, "unit": { "type": "string" } } });
    let report = json!({ "type": "object", "required": ["report_id", "title"], "properties": {
        "report_id": { "type": "string" }, "title": { "type": "string" }, "date": nullable("string"), "institution": nullable("string"),
        "rating": nullable("string"), "rating_action": { "type": ["string", "null"], "enum": ["维持", "首次", "上调", "下调", null] },
        "target_price": nullable("number"), "target_currency": nullable("string"),
        "forecasts": { "type": "array", "items": forecast }
    } });
    let rating = json!({ "type": "object", "properties": { "broker": nullable("string"), "date": nullable("string"), "rating": { "type": "string" }, "action": nullable("string"), "report_id": { "type": "string" } } });
    let target = json!({ "type": "object", "properties": { "broker": nullable("string"), "date": nullable("string"), "price": { "type": "number" }, "currency": nullable("string"), "report_id": { "type": "string" } } });
    let consensus = json!({ "type": "object", "properties": {
        "year": { "type": "integer" }, "metric": { "type": "string" }, "unit": { "type": "string" }, "median": { "type": "number" },
        "mean": { "type": "number" }, "min": { "type": "number" }, "max": { "type": "number" }, "brokers": { "type": "integer" }
    } });
    let company = json!({ "type": "object", "required": ["name", "code"], "properties": { "name": { "type": "string" }, "code": { "type": "string" }, "exchange": nullable("string"), "aliases": { "type": "array", "items": { "type": "string" } } } });
    json!({
        "type": "object",
        "required": ["company", "reports", "ratings", "target_prices", "consensus", "mentions"],
        "properties": {
            "company": company,
            "reports": { "type": "array", "description": "reports about the company, newest first, each with its rating, action, target price and forecasts", "items": report },
            "ratings": { "type": "array", "description": "ratings across brokers, oldest first", "items": rating },
            "target_prices": { "type": "array", "description": "target prices across brokers, oldest first", "items": target },
            "consensus": { "type": "array", "description": "per year and metric, over each broker's latest report with forecasts; amounts in 亿元", "items": consensus },
            "mentions": { "type": "array", "description": "reports that name the company without being about it", "items": schema_ref("EntityMention") }
        }
    })
}

/// Returns the schemas of the parts of a report (blocks, tables, figures, events, entities).
fn report_part_schemas() -> Value {
    let block_kind = json!({ "type": "string", "enum": ["heading", "paragraph", "list", "table", "figure", "formula"] });
    json!({
        "Block": {
            "type": "object", "required": ["kind", "text", "page", "section"],
            "properties": { "kind": block_kind, "text": { "type": "string" }, "page": nullable("integer"), "section": nullable("integer"), "boilerplate": { "type": "boolean" }, "ocr": { "type": "boolean", "description": "text read by OCR off a scanned page" } }
        },
        "PreviewBlock": {
            "type": "object", "required": ["index", "kind", "text", "page", "section"],
            "properties": { "index": { "type": "integer", "minimum": 0, "description": "the block's index in the full report" }, "kind": block_kind, "text": { "type": "string" }, "page": nullable("integer"), "section": nullable("integer"), "boilerplate": { "type": "boolean" }, "ocr": { "type": "boolean", "description": "text read by OCR off a scanned page" } }
        },
        "OutlineEntry": object(json!({ "level": { "type": "integer" }, "title": { "type": "string" }, "block": { "type": "integer", "minimum": 0 } })),
        "Table": object(json!({
            "label": { "type": "string" }, "caption": { "type": "string" }, "header": { "type": "array", "items": { "type": "string" } },
            "rows": { "type": "array", "items": { "type": "array", "items": { "type": "string" } } },
            "source": nullable("string"), "notes": nullable("string"), "page": nullable("integer"), "block": { "type": "integer", "minimum": 0 }
        })),
        "Figure": {
            "type": "object", "required": ["label", "caption", "source", "notes", "page", "block"],
            "properties": {
                "label": { "type": "string" }, "caption": { "type": "string" }, "source": nullable("string"), "notes": nullable("string"),
                "page": nullable("integer"), "block": { "type": "integer", "minimum": 0 },
                "bbox": { "description": "PDF figures: the chart's region on its page, in points from the top-left corner", "allOf": [schema_ref("PageBox")] }
            }
        },
        "PageBox": object(json!({
            "x0": { "type": "integer", "minimum": 0 }, "y0": { "type": "integer", "minimum": 0 }, "x1": { "type": "integer", "minimum": 0 }, "y1": { "type": "integer", "minimum": 0 }
        })),
        "PreviewFigure": {
            "description": "a figure of the preview with its index in the report's figures; `picture`: its chart is served at /reports/{id}/figures/{index}",
            "allOf": [schema_ref("Figure"), object(json!({ "index": { "type": "integer", "minimum": 0 }, "picture": { "type": "boolean" } }))]
        },
        "Event": {
            "type": "object", "required": ["date", "date_text", "text", "actors", "origin", "block"],
            "properties": {
                "date": { "type": "string" }, "date_end": nullable("string"), "precision": { "type": "string" }, "date_text": { "type": "string" }, "text": { "type": "string" },
                "actors": { "type": "array", "items": { "type": "string" } }, "numbers": { "type": "array", "items": { "type": "string" } },
                "origin": { "type": "string", "enum": ["table", "text"] }, "block": { "type": "integer", "minimum": 0 }
            }
        },
        "Entity": {
            "type": "object", "required": ["name", "kind", "mentions"],
            "properties": { "name": { "type": "string" }, "kind": { "type": "string", "enum": ["person", "org", "place", "company", "other"] }, "mentions": { "type": "integer", "minimum": 0 }, "code": { "type": "string" } }
        },
        "Company": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string" }, "code": nullable("string"), "exchange": nullable("string") } },
        "Analyst": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string" }, "sac": nullable("string"), "role": nullable("string") } }
    })
}

/// Returns the schema of a whole report (the report JSON of PRODUCT.md).
fn report_schema() -> Value {
    let array_of = |name: &str| json!({ "type": "array", "items": schema_ref(name) });
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    json!({
        "type": "object",
        "description": "the report JSON of PRODUCT.md",
        "required": ["id", "source", "title", "publisher", "institution", "authors", "date", "year", "language", "outline", "blocks", "tables", "figures", "events", "entities", "preview", "warnings"],
        "properties": {
            "id": { "type": "string" }, "format_version": { "type": "integer" },
            "source": { "type": "object", "required": ["path", "media_type", "bytes", "pages"], "properties": { "path": { "type": "string" }, "media_type": { "type": "string" }, "bytes": { "type": "integer", "minimum": 0 }, "pages": nullable("integer"), "sha256": { "type": "string" }, "encoding": { "type": "string" }, "ocr_pages": { "type": "array", "items": { "type": "integer", "minimum": 1 }, "description": "pages whose text was read by OCR" } } },
            "title": { "type": "string" }, "subtitle": { "type": "string" }, "publisher": nullable("string"), "institution": nullable("string"),
            "authors": strings, "analysts": array_of("Analyst"), "date": nullable("string"), "year": nullable("integer"), "language": { "type": "string" },
            "company": { "anyOf": [schema_ref("Company"), { "type": "null" }] },
            "outline": array_of("OutlineEntry"), "blocks": array_of("Block"), "tables": array_of("Table"), "figures": array_of("Figure"),
            "events": array_of("Event"), "entities": array_of("Entity"),
            "preview": { "type": "object", "required": ["truncated", "notice", "full_report_url"], "properties": { "truncated": { "type": "boolean" }, "notice": nullable("string"), "full_report_url": nullable("string") } },
            "warnings": strings
        }
    })
}

/// Returns the schema of a report's public preview.
fn preview_schema() -> Value {
    let array_of = |name: &str| json!({ "type": "array", "items": schema_ref(name) });
    let section = object(json!({ "level": { "type": "integer" }, "title": { "type": "string" }, "block": { "type": "integer", "minimum": 0 }, "in_preview": { "type": "boolean" } }));
    json!({
        "type": "object",
        "description": "metadata and the blocks before the preview cut; nothing beyond it but the section titles (sections)",
        "required": ["id", "title", "institution", "authors", "date", "year", "language", "company", "outline", "sections", "blocks", "tables", "figures", "page_pictures", "end"],
        "properties": {
            "id": { "type": "string" }, "title": { "type": "string" }, "subtitle": nullable("string"), "publisher": nullable("string"), "institution": nullable("string"),
            "authors": { "type": "array", "items": { "type": "string" } }, "analysts": array_of("Analyst"), "date": nullable("string"), "year": nullable("integer"),
            "language": { "type": "string" }, "company": { "anyOf": [schema_ref("Company"), { "type": "null" }] },
            "outline": array_of("OutlineEntry"), "more_sections": { "type": "integer", "minimum": 0 },
            "sections": { "type": "array", "description": "every section title of the report, in_preview false beyond the cut", "items": section },
            "blocks": array_of("PreviewBlock"), "tables": array_of("Table"), "figures": array_of("PreviewFigure"),
            "page_pictures": { "type": "integer", "minimum": 0, "description": "pages 1 to this number lie wholly before the cut and are public pictures at /reports/{id}/pages/{n} (0 when the report is not a PDF)" },
            "end": object(json!({ "truncated": { "type": "boolean" }, "notice": { "type": "string" }, "full_report_url": nullable("string"), "shown_blocks": { "type": "integer", "minimum": 0 }, "body_blocks": { "type": "integer", "minimum": 0 } }))
        }
    })
}

/// Returns the schemas of search results.
fn search_schemas() -> Value {
    json!({
        "Hit": {
            "type": "object",
            "required": ["report_id", "title", "kind", "score", "snippet", "page", "block", "date", "institution", "previewed"],
            "properties": {
                "report_id": { "type": "string" }, "title": { "type": "string" },
                "kind": { "type": "string", "enum": ["report", "paragraph", "figure", "table", "event"] },
                "score": { "type": "number" }, "snippet": { "type": "string", "description": "HTML-escaped, matches in <mark>" },
                "page": nullable("integer"), "block": nullable("integer"),
                "figure": { "type": "integer", "minimum": 0, "description": "figure hits whose chart has a picture: its index, at /reports/{report_id}/figures/{figure} (public when `previewed`)" },
                "date": nullable("string"), "year": { "type": "integer" }, "institution": nullable("string"),
                "label": nullable("string"), "caption": nullable("string"), "source": nullable("string"),
                "event_date": nullable("string"),
                "previewed": { "type": "boolean", "description": "the hit's block is in the public preview (link /reports/{id}#b{block}); else it is in the full report only" },
                "other_files": { "type": "integer", "minimum": 0, "description": "other files of the same report held by the library (searched once, through this one)" },
                "block_kind": { "type": ["string", "null"], "enum": ["heading", "paragraph", "list", null], "description": "for paragraph hits, the kind of block" },
                "more_in_report": { "type": "integer", "minimum": 0, "description": "grouped searches: other matching passages of this report (search them with report={report_id})" },
                "more_hits": { "type": "array", "items": schema_ref("Hit"), "description": "grouped searches: the best few of those passages" }
            }
        },
        "Facets": {
            "type": "object",
            "description": "per facet, [value, count] pairs",
            "required": ["institution", "author", "company", "year", "language", "kind"],
            "properties": { "institution": counted_values(), "author": counted_values(), "company": counted_values(), "year": counted_values(), "language": counted_values(), "kind": counted_values() }
        },
        "SearchResponse": {
            "type": "object",
            "required": ["query", "total", "grouped", "took_ms", "hits", "facets"],
            "properties": {
                "query": { "type": "string" }, "total": { "type": "integer", "minimum": 0, "description": "matching documents (passages), grouped or not; a lower bound when total_at_least" },
                "total_at_least": { "type": "boolean", "description": "grouped searches count matching documents up to 10000: true when there are more (show 10000+)" }, "took_ms": { "type": "number" },
                "grouped": { "type": "boolean", "description": "one hit per report; limit and offset count reports" },
                "total_reports": { "type": "integer", "minimum": 0, "description": "grouped searches: reports whose text matches (exact)" },
                "hits": { "type": "array", "items": schema_ref("Hit") },
                "facets": { "anyOf": [schema_ref("Facets"), { "type": "null" }], "description": "with facets=true: institution, author, company (the company a note covers), year, language, kind" }
            }
        }
    })
}

/// Returns the schemas of lists, the timeline, entities, uploads and errors.
fn other_schemas() -> Value {
    let citation = object(json!({ "report_id": { "type": "string" }, "title": { "type": "string" }, "block": { "type": "integer", "minimum": 0 }, "origin": { "type": "string", "enum": ["table", "text"] }, "text": { "type": "string" } }));
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    json!({
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": { "error": object(json!({ "code": { "type": "string", "minLength": 1, "description": "stable, machine-readable" }, "message": { "type": "string" } })) }
        },
        "Health": object(json!({ "status": { "type": "string", "enum": ["ok"] }, "reports": { "type": "integer", "minimum": 0 } })),
        "ReportSummary": object(json!({
            "id": { "type": "string" }, "title": { "type": "string" }, "institution": nullable("string"), "date": nullable("string"), "year": nullable("integer"),
            "language": { "type": "string" }, "media_type": { "type": "string" }, "pages": nullable("integer"), "source_path": { "type": "string", "description": "the file name the report was read from (no folders)" },
            "added_at": { "type": "string", "description": "UTC, RFC 3339" }, "duplicate_of": nullable("string")
        })),
        "ReportList": object(json!({ "offset": { "type": "integer", "minimum": 0 }, "reports": { "type": "array", "items": schema_ref("ReportSummary") } })),
        "TimelineEntry": object(json!({
            "date": { "type": "string" }, "date_end": nullable("string"), "precision": { "type": "string" }, "text": { "type": "string" },
            "actors": strings, "numbers": strings, "citations": { "type": "array", "items": citation }
        })),
        "Timeline": object(json!({ "events": { "type": "array", "items": schema_ref("TimelineEntry") } })),
        "EntityMention": object(json!({ "report_id": { "type": "string" }, "title": { "type": "string" }, "date": nullable("string"), "kind": { "type": "string" }, "mentions": { "type": "integer", "minimum": 0 } })),
        "EntityOverview": object(json!({
            "name": { "type": "string" }, "kind": nullable("string"),
            "reports": { "type": "array", "items": schema_ref("EntityMention") },
            "events": { "type": "array", "items": schema_ref("TimelineEntry") },
            "co_mentioned": { "type": "array", "description": "[name, kind, reports in common]", "items": { "type": "array", "prefixItems": [{ "type": "string" }, { "type": "string" }, { "type": "integer", "minimum": 0 }], "minItems": 3, "maxItems": 3 } }
        })),
        "ShareLink": object(json!({ "url": { "type": "string" }, "expires": { "type": "integer", "description": "seconds since the epoch" } })),
        "Queued": object(json!({
            "job": { "type": "integer", "minimum": 1 }, "new": { "type": "boolean", "description": "false when the same bytes were already queued" },
            "state": { "type": "string", "enum": ["queued"] }, "status_url": { "type": "string" }
        })),
        "Job": object(json!({
            "id": { "type": "integer", "minimum": 1 }, "name": { "type": "string" }, "sha256": { "type": "string" }, "bytes": { "type": "integer", "minimum": 0 },
            "state": { "type": "string", "enum": ["queued", "running", "done", "failed"] }, "attempts": { "type": "integer", "minimum": 0 },
            "worker": nullable("string"), "report_id": nullable("string"), "outcome": nullable("string"), "error": nullable("string"),
            "enqueued_at": { "type": "string", "description": "UTC, RFC 3339" }, "finished_at": nullable("string")
        })),
        "IngestResult": object(json!({
            "path": { "type": "string" }, "id": nullable("string"), "outcome": { "type": "string", "enum": ["added", "unchanged", "failed"] },
            "title": nullable("string"), "error": nullable("string"), "warnings": strings, "duplicate_of": nullable("string")
        }))
    })
}

/// Returns the parameters of `GET /api/search` under a configuration.
fn search_params(config: &ServerConfig) -> Value {
    let date = json!({ "type": "string", "pattern": DATE_PATTERN });
    json!([
        query_param("q", &format!("query, at most {} characters (and 32 words); words must all match, \"…\" is a phrase", config.max_query_chars), json!({ "type": "string", "maxLength": config.max_query_chars })),
        query_param("in", "scope (default all)", json!({ "type": "string", "enum": api::SCOPES })),
        query_param("from", "earliest date: YYYY, YYYY-MM or YYYY-MM-DD", date.clone()),
        query_param("to", "latest date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD", date),
        query_param("institution", "institution", json!({ "type": "string" })),
        query_param("author", "author", json!({ "type": "string" })),
        query_param("company", "the company a note covers: its name, or its code bare or with its exchange (603477, 603477.SH)", json!({ "type": "string" })),
        query_param("year", "report year", json!({ "type": "integer", "minimum": api::YEARS.start(), "maximum": api::YEARS.end() })),
        query_param("language", "zh or en", json!({ "type": "string" })),
        query_param("limit", &format!("hits per page, 1 to {} (default 10)", config.max_page_size), count(1, config.max_page_size as u64)),
        query_param("offset", &format!("hits to skip, at most {}", api::MAX_OFFSET), count(0, api::MAX_OFFSET as u64)),
        query_param("facets", "true to count facets", json!({ "type": "boolean" })),
        query_param("report", "only this report (its id); not grouped", json!({ "type": "string", "pattern": REPORT_ID_PATTERN })),
        query_param("group", "one hit per report (default true in scopes all and paragraphs) or false for every passage", json!({ "type": "boolean" }))
    ])
}

/// Returns the operations on reports (list, upload, full text, preview, share).
fn report_paths(config: &ServerConfig) -> Value {
    let id = path_param("id", "report id (hex)", json!({ "type": "string" }));
    let upload_types: Vec<&str> = api::UPLOAD_MEDIA_TYPES.iter().map(|(media_type, _)| *media_type).collect();
    json!({
        "/api/reports": {
            "get": {
                "operationId": "listReports",
                "summary": "report summaries, newest first",
                "parameters": [
                    query_param("offset", &format!("reports to skip, at most {}", api::MAX_LIST_OFFSET), count(0, api::MAX_LIST_OFFSET as u64)),
                    query_param("limit", &format!("reports, 1 to {} (default 20)", config.max_page_size), count(1, config.max_page_size as u64))
                ],
                "responses": {
                    "200": linked_response("summaries", schema_ref("ReportList"), report_links("/reports/0/id", "the first report listed")),
                    "400": error_response("bad paging")
                }
            },
            "post": {
                "operationId": "uploadReport",
                "summary": "upload one report (multipart field `file`): a PDF, text, Markdown or HTML file",
                "description": "The format is read from the file's content (PDF) or name (.pdf, .md, .markdown, .txt, .text, .htm, .html), else from the part's Content-Type. The same bytes twice are one report (200). A signed-in editor's browser sends the session's `X-CSRF-Token` header instead of a token.",
                "security": [{ "token": [] }, { "session": [] }],
                "requestBody": { "required": true, "content": { "multipart/form-data": {
                    "schema": { "type": "object", "required": ["file"], "additionalProperties": false, "properties": { "file": { "type": "string", "format": "binary", "minLength": 1 } } },
                    "encoding": { "file": { "contentType": upload_types.join(", ") } }
                } } },
                "responses": {
                    "201": linked_response("added", schema_ref("IngestResult"), report_links("/id", "the report uploaded")),
                    "200": linked_response("already in the library", schema_ref("IngestResult"), report_links("/id", "the report uploaded")),
                    "202": linked_response("queued for the workers (a node of a shared library): poll its job", schema_ref("Queued"), json!({
                        "GetJob": { "operationId": "getJob", "parameters": { "id": "$response.body#/job" }, "description": "where the upload stands" }
                    })),
                    "400": error_response("not a multipart body with a non-empty `file` part"),
                    "401": error_response("no credentials"), "403": error_response("invalid or revoked token, a role that may not upload, or no csrf token"),
                    "413": error_response(&format!("upload larger than {} bytes", config.max_upload_bytes)),
                    "422": json_response("not a report yanbao reads", schema_ref("IngestResult"))
                }
            }
        },
        "/api/jobs/{id}": { "get": {
            "operationId": "getJob",
            "summary": "where an upload queued on a shared library stands: queued, running, done (with its report) or failed (with the reason)",
            "security": [{ "token": [] }, { "session": [] }],
            "parameters": [path_param("id", "job id (from the upload's 202)", json!({ "type": "string", "pattern": "^[1-9][0-9]{0,17}$" }))],
            "responses": {
                "200": linked_response("the job", schema_ref("Job"), report_links("/report_id", "the report the job stored")),
                "400": error_response("not a job id"), "401": error_response("no token"), "403": error_response("invalid or revoked token"),
                "404": error_response("no such job (or the library has no job queue)")
            }
        } },
        "/api/reports/{id}": { "get": {
            "operationId": "getReport",
            "summary": "the full report (token, signed-in reader or share link)",
            "security": [{ "token": [] }, { "session": [] }, {}],
            "parameters": [
                id,
                query_param("exp", "share link expiry (seconds since the epoch)", json!({ "type": "integer", "minimum": 0 })),
                query_param("sig", "share link signature", json!({ "type": "string" }))
            ],
            "responses": {
                "200": linked_response("report", schema_ref("Report"), json!({
                    "GetEntity": { "operationId": "getEntity", "parameters": { "name": "$response.body#/entities/0/name" }, "description": "the report's first entity" },
                    "GetPreview": report_link("getReportPreview", "/id", "the report's public preview")
                })),
                "400": error_response("bad exp"), "401": error_response("no credentials"), "403": error_response("invalid token, expired or tampered link"), "404": error_response("no such report")
            }
        }, "delete": {
            "operationId": "removeReport",
            "summary": "remove a report and everything derived from it (a token, or a signed-in editor sending the session's X-CSRF-Token)",
            "security": [{ "token": [] }, { "session": [] }],
            "parameters": [id],
            "responses": {
                "204": { "description": "removed" },
                "400": error_response("not a report id"), "401": error_response("no credentials"),
                "403": error_response("invalid or revoked token, a role that may not remove, or no csrf token"), "404": error_response("no such report")
            }
        } },
        "/api/reports/{id}/preview": { "get": {
            "operationId": "getReportPreview",
            "summary": "the public preview of a report",
            "parameters": [id],
            "responses": {
                "200": linked_response("preview", schema_ref("ReportPreview"), json!({
                    "GetCompany": { "operationId": "getCompany", "parameters": { "code": "$response.body#/company/code" }, "description": "the company the report covers" },
                    "SearchReport": { "operationId": "searchReports", "parameters": { "report": "$response.body#/id", "q": "$response.body#/title" }, "description": "search within the report" }
                })),
                "404": error_response("no such report")
            }
        } },
        "/reports/{id}/pages/{n}": { "get": picture_operation("getPagePicture", "a picture of page n (1-based) of a PDF report, about 1,200 px wide (`size=thumb`: 240 px)", path_param("n", "1-based page", json!({ "type": "integer", "minimum": 1 })), &id) },
        "/reports/{id}/figures/{k}": { "get": picture_operation("getFigurePicture", "a picture of figure k's chart (k: index in the report's figures; `size=thumb` for a small one)", path_param("k", "index in the report's figures", json!({ "type": "integer", "minimum": 0 })), &id) },
        "/api/reports/{id}/share": { "post": {
            "operationId": "shareReport",
            "summary": "a signed, expiring link to one report's full text, to hand to a reader without a token (public pages never carry one)",
            "security": [{ "token": [] }],
            "parameters": [id, query_param("hours", &format!("hours the link stays valid, 1 to {} (default {})", api::MAX_SHARE_HOURS, config.share_link_hours), count(1, api::MAX_SHARE_HOURS))],
            "responses": {
                "200": json_response("the link", schema_ref("ShareLink")),
                "400": error_response("bad hours"), "401": error_response("no token"), "403": error_response("invalid or revoked token"), "404": error_response("no such report")
            }
        } }
    })
}

/// Returns the operation of a picture route: public before the preview cut, a reader's beyond it.
fn picture_operation(operation_id: &str, summary: &str, number: Value, id: &Value) -> Value {
    json!({
        "operationId": operation_id,
        "summary": summary,
        "description": "Public (cached for good) when it shows only what the public preview shows; beyond the preview cut it needs a reader: an API token, a share link's exp and sig, or a signed-in session. Drawn on first request by the isolated PDF worker, then served from the store.",
        "security": [{}, { "token": [] }],
        "parameters": [
            id, number,
            query_param("size", "`thumb` for the small version", json!({ "type": "string", "enum": ["thumb", "full"] })),
            query_param("exp", "share link expiry (seconds since the epoch)", json!({ "type": "integer", "minimum": 0 })),
            query_param("sig", "share link signature", json!({ "type": "string" }))
        ],
        "responses": {
            "200": { "description": "the picture", "headers": { "ETag": { "schema": { "type": "string" } } }, "content": { "image/jpeg": { "schema": { "type": "string", "format": "binary" } } } },
            "304": { "description": "the client holds this picture (If-None-Match)" },
            "400": error_response("bad size or exp"),
            "401": error_response("the picture is beyond the preview and no reader's credentials were given"),
            "403": error_response("invalid token or share link"),
            "404": error_response("no such report or picture"),
            "503": error_response("pictures are being drawn for others; try again")
        }
    })
}

/// Returns the operations on the timeline, entities and companies.
fn knowledge_paths(config: &ServerConfig) -> Value {
    let name = json!({ "type": "string", "minLength": 1, "maxLength": config.max_query_chars, "pattern": api::name_pattern() });
    let date = json!({ "type": "string", "pattern": DATE_PATTERN });
    json!({
        "/api/timeline": { "get": {
            "operationId": "getTimeline",
            "summary": "dated events across the library, merged, in date order",
            "parameters": [
                query_param("from", "earliest date: YYYY, YYYY-MM or YYYY-MM-DD", date.clone()),
                query_param("to", "latest date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD", date),
                query_param("entity", "only events naming this entity", json!({ "type": "string", "maxLength": config.max_query_chars })),
                query_param("limit", &format!("most entries, 1 to {} (default {})", api::MAX_TIMELINE, api::DEFAULT_TIMELINE), count(1, api::MAX_TIMELINE as u64))
            ],
            "responses": {
                "200": linked_response("events", schema_ref("Timeline"), json!({
                    "GetPreview": report_link("getReportPreview", "/events/0/citations/0/report_id", "the report the first event is read from"),
                    "GetEntity": { "operationId": "getEntity", "parameters": { "name": "$response.body#/events/0/actors/0" }, "description": "the first actor of the first event" }
                })),
                "400": error_response("bad date, entity or limit")
            }
        } },
        "/api/entities/{name}": { "get": {
            "operationId": "getEntity",
            "summary": "reports, events and co-mentioned entities of one entity (an unknown name has none)",
            "parameters": [path_param("name", &format!("entity name, 1 to {} characters, not only white space", config.max_query_chars), name.clone())],
            "responses": {
                "200": linked_response("entity", schema_ref("EntityOverview"), json!({
                    "GetPreview": report_link("getReportPreview", "/reports/0/report_id", "the first report naming the entity"),
                    "GetCoMentioned": { "operationId": "getEntity", "parameters": { "name": "$response.body#/co_mentioned/0/0" }, "description": "the entity most often named with this one" }
                })),
                "400": error_response("bad name")
            }
        } },
        "/api/companies/{code}": { "get": {
            "operationId": "getCompany",
            "summary": "a listed company: reports about it, rating history and target prices across brokers, forecast consensus, reports naming it",
            "parameters": [path_param("code", &format!("code (601899, 601899.SH, SH601899), name or alias; 1 to {} characters, not only white space", config.max_query_chars), name)],
            "responses": {
                "200": linked_response("company", schema_ref("CompanyOverview"), json!({
                    "GetPreview": report_link("getReportPreview", "/reports/0/report_id", "the latest report about the company")
                })),
                "400": error_response("bad code"), "404": error_response("no company by that code or name")
            }
        } }
    })
}

/// Returns the OpenAPI document of a server with this configuration (its limits are stated).
pub fn document(config: &ServerConfig) -> Value {
    let mut schemas = report_part_schemas();
    for more in [search_schemas(), other_schemas()] {
        if let (Some(all), Value::Object(more)) = (schemas.as_object_mut(), more) {
            all.extend(more);
        }
    }
    schemas["Report"] = report_schema();
    schemas["ReportPreview"] = preview_schema();
    schemas["CompanyOverview"] = company_overview_schema();
    let mut paths = json!({
        "/healthz": { "get": { "operationId": "health", "summary": "liveness and report count", "responses": { "200": json_response("ok", schema_ref("Health")) } } },
        "/api/search": { "get": {
            "operationId": "searchReports",
            "summary": "search reports, paragraphs, figures, tables and events",
            "parameters": search_params(config),
            "responses": {
                "200": linked_response("hits", schema_ref("SearchResponse"), {
                    let mut links = report_links("/hits/0/report_id", "the first hit's report");
                    links["MoreInReport"] = json!({ "operationId": "searchReports", "parameters": { "report": "$response.body#/hits/0/report_id", "q": "$request.query.q" }, "description": "the first hit's other passages" });
                    links
                }),
                "400": error_response("bad query, scope, date, limit, offset or flag")
            }
        } },
        "/api/openapi.json": { "get": { "operationId": "getOpenApi", "summary": "this document", "responses": { "200": json_response("OpenAPI 3.1", json!({ "type": "object" })) } } }
    });
    for more in [report_paths(config), knowledge_paths(config)] {
        if let (Some(all), Value::Object(more)) = (paths.as_object_mut(), more) {
            all.extend(more);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "yanbao API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Search, preview and read research reports. The full text and uploads need `Authorization: Bearer yb_…` (create with `yanbao token create NAME`), a signed-in person's session cookie (readers read, editors also upload and remove) or, for one report's full text, a signed share link. Errors are `{\"error\": {\"code\", \"message\"}}`. A query parameter given empty is the same as one not given; any other value must have the form and bounds stated here, or the answer is a 400."
        },
        "components": { "securitySchemes": {
            "token": { "type": "http", "scheme": "bearer" },
            "session": { "type": "apiKey", "in": "cookie", "name": "yb_session", "description": "a signed-in person's session (POST /login); requests that change anything also send the session's X-CSRF-Token header" }
        }, "schemas": schemas },
        "paths": paths
    })
}

/// `GET /api/openapi.json`: the document of this server (its configured limits).
pub async fn handler(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(document(&state.config))
}
