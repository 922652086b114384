//! Whatever a client sends to prove it may read a full report — any `Authorization` header, any
//! report id, any share link `exp`/`sig`, at any time — is answered with a grant or a clean
//! refusal, never a panic; and the answers are right: only the live token is accepted, only the
//! link's own signature verifies (a link signed for one report or expiry fails for any other),
//! and an unexpired signed link is granted while an expired one is refused as expired.
//!
//! Covers `yanbao_server::auth::{bearer_token, require_reader}` and
//! `yanbao_engine::access::{verify_token, check_share_link, sign_share_link}`.
//! There are no session cookies yet (sign-in is a later issue): when they land, verify them here
//! too — add a field to `Input` and a check like the share link's.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use axum::http::{header::AUTHORIZATION, HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use yanbao_engine::access::{check_share_link, create_token, sign_share_link, verify_token, ShareLinkError};
use yanbao_engine::Library;
use yanbao_server::auth::{bearer_token, require_reader, Grant, ShareParams};

/// An in-memory library holding one live token (the second field).
fn library() -> &'static (Library, String) {
    static LIBRARY: OnceLock<(Library, String)> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let library = Library::open_in_memory().expect("an in-memory library");
        let token = create_token(library.store(), "fuzz").expect("a token");
        (library, token)
    })
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// The `Authorization` header's raw bytes.
    authorization: Vec<u8>,
    /// Whether the request carries that header at all.
    send_authorization: bool,
    report_id: String,
    /// The link's `exp` and `sig` query values, as sent.
    exp: Option<String>,
    sig: Option<String>,
    /// The clock.
    now: u64,
    /// An expiry to sign a genuine link with.
    signed_expiry: u64,
    /// Which byte of the genuine signature to alter, and how.
    flip_at: usize,
    flip_with: u8,
}

fuzz_target!(|input: Input| {
    let (library, live_token) = library();
    let store = library.store();

    // The header parser: a token is a non-empty, trimmed piece of the header.
    let header_text = String::from_utf8_lossy(&input.authorization);
    if let Some(token) = bearer_token(&header_text) {
        assert!(!token.is_empty() && token.trim() == token && header_text.contains(token));
        let name = verify_token(store, token).expect("verify_token answers");
        assert_eq!(name.is_some(), token == live_token.as_str(), "token {token:?}");
    }

    // What the server decides for this request.
    let mut headers = HeaderMap::new();
    if input.send_authorization {
        if let Ok(value) = HeaderValue::from_bytes(&input.authorization) {
            headers.insert(AUTHORIZATION, value);
        }
    }
    let share = ShareParams { exp: input.exp.clone(), sig: input.sig.clone() };
    let decision = require_reader(library, &headers, &input.report_id, &share, input.now);
    if let Ok(Grant::ShareLink) = decision {
        // Granted by the link: then the link is the genuine, unexpired one.
        let expires: u64 = input.exp.as_deref().unwrap().trim().parse().unwrap();
        let (_, genuine) = sign_share_link(store, &input.report_id, expires).unwrap();
        assert_eq!(input.sig.as_deref().unwrap().trim(), genuine);
        assert!(expires >= input.now);
    }

    // A genuine link verifies until it expires; any altered signature, another report or
    // another expiry is refused as tampered.
    let (expires, sig) = sign_share_link(store, &input.report_id, input.signed_expiry).unwrap();
    let verdict = check_share_link(store, &input.report_id, expires, &sig, input.now).unwrap();
    let expected = if expires < input.now { Err(ShareLinkError::Expired) } else { Ok(()) };
    assert_eq!(verdict, expected);
    let mut altered = sig.clone().into_bytes();
    let at = input.flip_at % altered.len();
    altered[at] = if input.flip_with == altered[at] { altered[at] ^ 1 } else { input.flip_with };
    let altered = String::from_utf8_lossy(&altered);
    let verdict = check_share_link(store, &input.report_id, expires, &altered, input.now).unwrap();
    assert_eq!(verdict, Err(ShareLinkError::Tampered), "altered {altered:?}");
    let other_id = format!("{}x", input.report_id);
    assert_eq!(check_share_link(store, &other_id, expires, &sig, input.now).unwrap(), Err(ShareLinkError::Tampered));
    if let Some(other_expiry) = expires.checked_add(1) {
        assert_eq!(check_share_link(store, &input.report_id, other_expiry, &sig, input.now).unwrap(), Err(ShareLinkError::Tampered));
    }
});
