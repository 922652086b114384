//! The OpenAPI 3.1 description of the JSON API, served at `/api/openapi.json` (a test checks it
//! against the real routes).

use axum::Json;
use serde_json::{json, Value};

/// Returns a reference to a shared schema.
fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Returns a JSON response description.
fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

/// Returns the error responses shared by the operations.
fn error_response(description: &str) -> Value {
    json_response(description, schema_ref("Error"))
}

/// Returns a query parameter.
fn query_param(name: &str, description: &str, kind: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": kind } })
}

/// Returns a path parameter.
fn path_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

/// Returns the schema of a company overview (`GET /api/companies/{code}`), built apart: one
/// `json!` of the whole document would pass the macro's recursion limit.
fn company_overview_schema() -> Value {
    let nullable = |kind: &str| json!({ "type": [kind, "null"] });
    let forecast = json!({ "type": "object", "properties": { "year": { "type": "integer" }, "metric": { "type": "string" }, "value": { "type": "number" }, "unit": { "type": "string" } } });
    let report = json!({ "type": "object", "properties": {
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
    let company = json!({ "type": "object", "properties": { "name": { "type": "string" }, "code": { "type": "string" }, "exchange": nullable("string"), "aliases": { "type": "array", "items": { "type": "string" } } } });
    json!({
        "type": "object",
        "required": ["company", "reports", "ratings", "target_prices", "consensus", "mentions"],
        "properties": {
            "company": company,
            "reports": { "type": "array", "description": "reports about the company, newest first, each with its rating, action, target price and forecasts", "items": report },
            "ratings": { "type": "array", "description": "ratings across brokers, oldest first", "items": rating },
            "target_prices": { "type": "array", "description": "target prices across brokers, oldest first", "items": target },
            "consensus": { "type": "array", "description": "per year and metric, over each broker's latest report with forecasts; amounts in 亿元", "items": consensus },
            "mentions": { "type": "array", "description": "reports that name the company without being about it", "items": { "type": "object" } }
        }
    })
}

/// Returns the OpenAPI document.
pub fn document() -> Value {
    let share = vec![query_param("exp", "share link expiry (seconds since the epoch)", "integer"), query_param("sig", "share link signature", "string")];
    let mut report_params = vec![path_param("id", "report id (hex)")];
    report_params.extend(share);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "yanbao API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Search, preview and read research reports. The full text and uploads need `Authorization: Bearer yb_…` (create with `yanbao token create NAME`) or, for one report, a signed share link. Errors are `{\"error\": {\"code\", \"message\"}}`."
        },
        "components": {
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": { "code": { "type": "string" }, "message": { "type": "string" } } } }
                },
                "Hit": {
                    "type": "object",
                    "properties": {
                        "report_id": { "type": "string" }, "title": { "type": "string" },
                        "kind": { "type": "string", "enum": ["report", "paragraph", "figure", "table", "event"] },
                        "score": { "type": "number" }, "snippet": { "type": "string", "description": "HTML-escaped, matches in <mark>" },
                        "page": { "type": ["integer", "null"] }, "block": { "type": ["integer", "null"] },
                        "date": { "type": ["string", "null"] }, "institution": { "type": ["string", "null"] },
                        "label": { "type": ["string", "null"] }, "caption": { "type": ["string", "null"] }, "source": { "type": ["string", "null"] },
                        "event_date": { "type": ["string", "null"] },
                        "previewed": { "type": "boolean", "description": "the hit's block is in the public preview (link /reports/{id}#b{block}); else it is in the full report only" },
                        "other_files": { "type": "integer", "description": "other files of the same report held by the library (searched once, through this one)" },
                        "block_kind": { "type": ["string", "null"], "enum": ["heading", "paragraph", "list", null], "description": "for paragraph hits, the kind of block" },
                        "more_in_report": { "type": "integer", "description": "grouped searches: other matching passages of this report (search them with report={report_id})" },
                        "more_hits": { "type": "array", "items": schema_ref("Hit"), "description": "grouped searches: the best few of those passages" }
                    }
                },
                "SearchResponse": {
                    "type": "object",
                    "required": ["query", "total", "took_ms", "hits"],
                    "properties": {
                        "query": { "type": "string" }, "total": { "type": "integer", "description": "matching documents (passages), grouped or not; a lower bound when total_at_least" },
                        "total_at_least": { "type": "boolean", "description": "grouped searches count matching documents up to 10000: true when there are more (show 10000+)" }, "took_ms": { "type": "number" },
                        "grouped": { "type": "boolean", "description": "one hit per report; limit and offset count reports" },
                        "total_reports": { "type": "integer", "description": "grouped searches: reports whose text matches (exact)" },
                        "hits": { "type": "array", "items": schema_ref("Hit") },
                        "facets": { "type": ["object", "null"], "description": "institution, author, year, language, kind: [[value, count]]" }
                    }
                },
                "Report": { "type": "object", "description": "the report JSON of PRODUCT.md", "required": ["id", "title", "blocks"] },
                "ReportPreview": {
                    "type": "object",
                    "description": "metadata and the blocks before the preview cut; nothing beyond it but the section titles (sections)",
                    "required": ["id", "title", "blocks", "end"],
                    "properties": {
                        "blocks": { "type": "array", "items": { "type": "object", "properties": { "index": { "type": "integer" }, "kind": { "type": "string" }, "text": { "type": "string" } } } },
                        "end": { "type": "object", "properties": { "truncated": { "type": "boolean" }, "notice": { "type": "string" }, "full_report_url": { "type": ["string", "null"] } } },
                        "sections": { "type": "array", "description": "every section title of the report, in_preview false beyond the cut", "items": { "type": "object", "properties": { "level": { "type": "integer" }, "title": { "type": "string" }, "block": { "type": "integer" }, "in_preview": { "type": "boolean" } } } }
                    }
                },
                "CompanyOverview": company_overview_schema(),
                "IngestResult": { "type": "object", "properties": { "id": { "type": ["string", "null"] }, "outcome": { "type": "string", "enum": ["added", "unchanged", "failed"] }, "title": { "type": ["string", "null"] }, "error": { "type": ["string", "null"] } } }
            }
        },
        "paths": {
            "/healthz": { "get": { "summary": "liveness and report count", "responses": { "200": json_response("ok", json!({ "type": "object" })) } } },
            "/api/search": { "get": {
                "summary": "search reports, paragraphs, figures, tables and events",
                "parameters": [
                    query_param("q", "query; words must all match, \"…\" is a phrase", "string"),
                    { "name": "in", "in": "query", "required": false, "schema": { "type": "string", "enum": ["all", "reports", "paragraphs", "figures", "tables", "events"] } },
                    query_param("from", "earliest date (YYYY, YYYY-MM or YYYY-MM-DD)", "string"),
                    query_param("to", "latest date, inclusive", "string"),
                    query_param("institution", "institution", "string"),
                    query_param("author", "author", "string"),
                    query_param("year", "report year", "integer"),
                    query_param("language", "zh or en", "string"),
                    query_param("limit", "hits per page (1 to the server's max page size)", "integer"),
                    query_param("offset", "hits to skip (at most 10000)", "integer"),
                    query_param("facets", "true to count facets", "boolean"),
                    query_param("report", "only this report (its id); not grouped", "string"),
                    query_param("group", "one hit per report (default true in scopes all and paragraphs) or false for every passage", "boolean")
                ],
                "responses": { "200": json_response("hits", schema_ref("SearchResponse")), "400": error_response("bad query, limit or date") }
            } },
            "/api/reports": {
                "get": {
                    "summary": "report summaries, newest first",
                    "parameters": [query_param("offset", "items to skip", "integer"), query_param("limit", "items", "integer")],
                    "responses": { "200": json_response("summaries", json!({ "type": "object" })), "400": error_response("bad paging") }
                },
                "post": {
                    "summary": "upload one report (multipart field `file`)",
                    "security": [{ "token": [] }],
                    "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "file": { "type": "string", "format": "binary" } } } } } },
                    "responses": {
                        "201": json_response("added", schema_ref("IngestResult")),
                        "200": json_response("already in the library", schema_ref("IngestResult")),
                        "401": error_response("no token"), "403": error_response("invalid or revoked token"),
                        "413": error_response("upload too large"), "422": json_response("not a readable report", schema_ref("IngestResult"))
                    }
                }
            },
            "/api/reports/{id}": { "get": {
                "summary": "the full report (token or share link)",
                "security": [{ "token": [] }, {}],
                "parameters": report_params,
                "responses": { "200": json_response("report", schema_ref("Report")), "401": error_response("no credentials"), "403": error_response("invalid token, expired or tampered link"), "404": error_response("no such report") }
            } },
            "/api/reports/{id}/preview": { "get": {
                "summary": "the public preview of a report",
                "parameters": [path_param("id", "report id (hex)")],
                "responses": { "200": json_response("preview", schema_ref("ReportPreview")), "404": error_response("no such report") }
            } },
            "/api/reports/{id}/share": { "post": {
                "summary": "a signed, expiring link to one report's full text, to hand to a reader without a token (public pages never carry one)",
                "security": [{ "token": [] }],
                "parameters": [path_param("id", "report id (hex)"), query_param("hours", "hours the link stays valid (1-2160; default 168)", "integer")],
                "responses": {
                    "200": json_response("the link", json!({ "type": "object", "required": ["url", "expires"], "properties": { "url": { "type": "string" }, "expires": { "type": "integer", "description": "seconds since the epoch" } } })),
                    "400": error_response("bad hours"), "401": error_response("no token"), "403": error_response("invalid or revoked token"), "404": error_response("no such report")
                }
            } },
            "/api/timeline": { "get": {
                "summary": "dated events across the library, merged, in date order",
                "parameters": [query_param("from", "earliest date", "string"), query_param("to", "latest date", "string"), query_param("entity", "only events naming this entity", "string"), query_param("limit", "most entries (default 500)", "integer")],
                "responses": { "200": json_response("events", json!({ "type": "object" })), "400": error_response("bad date") }
            } },
            "/api/entities/{name}": { "get": {
                "summary": "reports, events and co-mentioned entities of one entity",
                "parameters": [path_param("name", "entity name")],
                "responses": { "200": json_response("entity", json!({ "type": "object" })), "400": error_response("bad name") }
            } },
            "/api/companies/{code}": { "get": {
                "summary": "a listed company: reports about it, rating history and target prices across brokers, forecast consensus, reports naming it",
                "parameters": [path_param("code", "code (601899, 601899.SH, SH601899), name or alias")],
                "responses": { "200": json_response("company", schema_ref("CompanyOverview")), "400": error_response("bad code"), "404": error_response("no company by that code or name") }
            } },
            "/api/openapi.json": { "get": { "summary": "this document", "responses": { "200": json_response("OpenAPI 3.1", json!({ "type": "object" })) } } }
        }
    })
}

/// `GET /api/openapi.json`.
pub async fn handler() -> Json<Value> {
    Json(document())
}
