//! Who may read full reports: API tokens (stored only as hashes) and signed, expiring share links.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::EngineError;
use yanbao_store::prelude::*;

const SHARE_SECRET_KEY: &str = "share_link_secret";
const TOKEN_PREFIX: &str = "yb_";

/// Why a share link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareLinkError {
    /// The signature does not match: the link was altered or made with another key.
    Tampered,
    /// The link's expiry time has passed.
    Expired,
}

pub(crate) fn random_hex(bytes: usize) -> Result<String, EngineError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| EngineError::Access(format!("no randomness available: {e}")))?;
    Ok(hex::encode(buf))
}

/// Returns the SHA-256 hex of a token (what the store keeps).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Creates a token named `name` and returns its secret (shown once, never stored).
pub fn create_token(store: &dyn Store, name: &str) -> Result<String, EngineError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
        return Err(EngineError::Access("a token name must be 1–64 printable characters".into()));
    }
    let token = format!("{TOKEN_PREFIX}{}", random_hex(24)?);
    store.create_token(name, &token_hash(&token))?;
    Ok(token)
}

/// Returns the token's name when it is live (not revoked).
pub fn verify_token(store: &dyn Store, token: &str) -> Result<Option<String>, EngineError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
        return Ok(None);
    }
    Ok(store.token_by_hash(&token_hash(token))?)
}

fn share_secret(store: &dyn Store) -> Result<String, EngineError> {
    if let Some(secret) = store.setting(SHARE_SECRET_KEY)? {
        return Ok(secret);
    }
    // Nodes sharing a store that start together keep the one secret written first.
    Ok(store.setting_or_insert(SHARE_SECRET_KEY, &random_hex(32)?)?)
}

fn signature(secret: &str, report_id: &str, expires: u64) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac takes any key length");
    mac.update(format!("{report_id}:{expires}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Returns the `exp` and `sig` query values of a share link for a report, valid until `expires`
/// (seconds since the epoch).
pub fn sign_share_link(store: &dyn Store, report_id: &str, expires: u64) -> Result<(u64, String), EngineError> {
    Ok((expires, signature(&share_secret(store)?, report_id, expires)))
}

/// Checks a share link's expiry and signature against the current time `now` (epoch seconds).
pub fn check_share_link(store: &dyn Store, report_id: &str, expires: u64, sig: &str, now: u64) -> Result<Result<(), ShareLinkError>, EngineError> {
    let expected = signature(&share_secret(store)?, report_id, expires);
    // Constant-time comparison, so the signature cannot be guessed byte by byte.
    let matches = expected.len() == sig.len() && expected.bytes().zip(sig.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !matches {
        return Ok(Err(ShareLinkError::Tampered));
    }
    if expires < now {
        return Ok(Err(ShareLinkError::Expired));
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_store::SqliteStore;

    #[test]
    fn tokens_verify_until_revoked() {
        let store = SqliteStore::open_in_memory().unwrap();
        let token = create_token(&store, "analyst").unwrap();
        assert!(token.starts_with("yb_"));
        assert_eq!(verify_token(&store, &token).unwrap().as_deref(), Some("analyst"));
        assert_eq!(verify_token(&store, "yb_wrong").unwrap(), None);
        store.revoke_token("analyst").unwrap();
        assert_eq!(verify_token(&store, &token).unwrap(), None);
        assert!(create_token(&store, "").is_err());
    }

    #[test]
    fn share_links_expire_and_resist_tampering() {
        let store = SqliteStore::open_in_memory().unwrap();
        let (exp, sig) = sign_share_link(&store, "abc", 1_000).unwrap();
        assert_eq!(check_share_link(&store, "abc", exp, &sig, 999).unwrap(), Ok(()));
        assert_eq!(check_share_link(&store, "abc", exp, &sig, 1_001).unwrap(), Err(ShareLinkError::Expired));
        assert_eq!(check_share_link(&store, "abd", exp, &sig, 999).unwrap(), Err(ShareLinkError::Tampered));
        assert_eq!(check_share_link(&store, "abc", exp + 1, &sig, 999).unwrap(), Err(ShareLinkError::Tampered));
    }
}
