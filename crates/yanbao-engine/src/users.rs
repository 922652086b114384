//! People who sign in: accounts with a role, passwords kept only as Argon2id hashes, and
//! sign-in sessions kept only as the SHA-256 of their secret.
//!
//! A role includes the ones before it ([`Role::Reader`] < [`Role::Editor`] < [`Role::Admin`]).
//! Passwords are hashed with the `argon2` crate's Argon2id defaults (19 MiB of memory, 2 passes,
//! 1 lane: the OWASP minimum) with a random 16-byte salt, stored as a PHC string, so the
//! parameters travel with each hash and a later yanbao can raise them. Checking a password for
//! a name that has no account still runs one Argon2 verification, so the time taken does not
//! tell which names exist.
//!
//! A session's secret is 32 random bytes, given to the browser once (a cookie) and stored only
//! as its hash, beside a CSRF token of its own and its end ([`SESSION_LIFETIME`] after sign-in);
//! ended sessions are purged whenever one starts. A new password or a removed account ends
//! every session of that person.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

use crate::access::random_hex;
use crate::EngineError;
use yanbao_store::prelude::*;
pub use yanbao_store::{Role, SessionRecord as Session, UserInfo};
use yanbao_store::UserRecord;

/// How long a session lasts after sign-in.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// Fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Most bytes a password may have (a long passphrase fits; a hostile megabyte is not hashed).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Most characters a name may have.
pub const MAX_NAME_CHARS: usize = 64;
/// What starts every session secret (tells it apart from an API token, `yb_…`).
const SESSION_PREFIX: &str = "ys_";

/// Returns the name as kept (surrounding spaces removed), or why it cannot be a sign-in name:
/// 1–64 printable characters.
pub fn check_name(name: &str) -> Result<&str, EngineError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(EngineError::Access(format!("a user name must be 1–{MAX_NAME_CHARS} printable characters")));
    }
    Ok(name)
}

/// Says why a password cannot be used: fewer than 8 characters, or more than 1,024 bytes.
pub fn check_password(password: &str) -> Result<(), EngineError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(EngineError::Access(format!("a password must have at least {MIN_PASSWORD_CHARS} characters")));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(EngineError::Access(format!("a password must have at most {MAX_PASSWORD_BYTES} bytes")));
    }
    Ok(())
}

/// Returns the Argon2id PHC string of a password, with a fresh random salt.
fn hash_password(password: &str) -> Result<String, EngineError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| EngineError::Access(format!("no randomness available: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| EngineError::Access(format!("cannot salt a password: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| EngineError::Access(format!("cannot hash a password: {e}")))
}

/// True when `password` matches the PHC string `stored` (Argon2's own constant-time check); an
/// unreadable hash matches nothing.
fn password_matches(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of no one's password, checked against when a name has no account (same cost).
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let secret = random_hex(16).unwrap_or_else(|_| "yanbao-decoy-password".into());
        hash_password(&secret).unwrap_or_default()
    })
}

/// Adds a person who may sign in with `password` (name and password checked first); fails when
/// the name is taken.
pub fn add_user(store: &dyn Store, name: &str, role: Role, password: &str) -> Result<UserInfo, EngineError> {
    let name = check_name(name)?;
    check_password(password)?;
    let info = UserInfo { name: name.to_string(), role, created_at: crate::backup::chrono_now() };
    let record = UserRecord { info: info.clone(), password_hash: hash_password(password)? };
    if !store.create_user(&record)? {
        return Err(EngineError::Access(format!("a user named {name} already exists")));
    }
    Ok(info)
}

/// Everyone who may sign in, by name.
pub fn list_users(store: &dyn Store) -> Result<Vec<UserInfo>, EngineError> {
    Ok(store.users()?)
}

/// Removes a person and ends their sessions; fails when there is no such person.
pub fn remove_user(store: &dyn Store, name: &str) -> Result<(), EngineError> {
    if !store.remove_user(name.trim())? {
        return Err(EngineError::Access(format!("no user named {}", name.trim())));
    }
    Ok(())
}

/// Gives a person a new password and ends their sessions; fails when there is no such person or
/// the password is too short or too long.
pub fn set_password(store: &dyn Store, name: &str, password: &str) -> Result<(), EngineError> {
    check_password(password)?;
    if !store.set_password(name.trim(), &hash_password(password)?)? {
        return Err(EngineError::Access(format!("no user named {}", name.trim())));
    }
    Ok(())
}

/// Returns the person when `password` is theirs; `None` for a wrong password or an unknown name
/// (which take the same time).
pub fn verify_password(store: &dyn Store, name: &str, password: &str) -> Result<Option<UserInfo>, EngineError> {
    let name = name.trim();
    let found = if name.is_empty() || name.chars().count() > MAX_NAME_CHARS { None } else { store.user(name)? };
    if password.len() > MAX_PASSWORD_BYTES {
        return Ok(None);
    }
    match found {
        Some(record) => Ok(password_matches(&record.password_hash, password).then_some(record.info)),
        None => {
            let _ = password_matches(decoy_hash(), password);
            Ok(None)
        }
    }
}

/// A session just started: the secret goes to the browser once and is never stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The session's secret (the cookie's value).
    pub token: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// Who signed in.
    pub user: UserInfo,
    /// When it ends, seconds since the epoch.
    pub expires_at: u64,
}

/// Checks a name and password and, when they match, starts a session at `now` (seconds since the
/// epoch). `None` when they do not match.
pub fn sign_in(store: &dyn Store, name: &str, password: &str, now: u64) -> Result<Option<NewSession>, EngineError> {
    let Some(user) = verify_password(store, name, password)? else { return Ok(None) };
    let token = format!("{SESSION_PREFIX}{}", random_hex(32)?);
    let csrf = random_hex(32)?;
    let expires_at = now.saturating_add(SESSION_LIFETIME.as_secs());
    if !store.create_session(&session_hash(&token), &user.name, &csrf, expires_at, now)? {
        // Removed between the check and now.
        return Ok(None);
    }
    Ok(Some(NewSession { token, csrf, user, expires_at }))
}

/// The SHA-256 hex of a session secret (what the store keeps).
fn session_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// True when `token` looks like a session secret this engine made (so junk is never looked up).
fn is_session_token(token: &str) -> bool {
    token.len() == SESSION_PREFIX.len() + 64 && token.starts_with(SESSION_PREFIX) && token[SESSION_PREFIX.len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The live session of a secret at `now`: who, their role as it stands, its CSRF token.
pub fn session(store: &dyn Store, token: &str, now: u64) -> Result<Option<Session>, EngineError> {
    if !is_session_token(token) {
        return Ok(None);
    }
    Ok(store.session(&session_hash(token), now)?)
}

/// Ends the session of a secret; false when there was none.
pub fn end_session(store: &dyn Store, token: &str) -> Result<bool, EngineError> {
    if !is_session_token(token) {
        return Ok(false);
    }
    Ok(store.end_session(&session_hash(token))?)
}

/// Compares a CSRF token a request carries with the expected one, in constant time.
pub fn csrf_matches(expected: &str, given: &str) -> bool {
    !expected.is_empty() && expected.len() == given.len() && expected.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// A fresh random token (hex of 32 bytes): the sign-in form's double-submit CSRF token.
pub fn random_token() -> Result<String, EngineError> {
    random_hex(32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_store::SqliteStore;

    #[test]
    fn a_person_signs_in_with_their_password_only() {
        let store = SqliteStore::open_in_memory().unwrap();
        let added = add_user(&store, "  王编辑 ", Role::Editor, "correct horse").unwrap();
        assert_eq!(added.name, "王编辑", "surrounding spaces are not part of a name");
        let stored = store.user("王编辑").unwrap().unwrap();
        assert!(stored.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", stored.password_hash);
        assert!(!stored.password_hash.contains("correct horse"));
        assert_eq!(verify_password(&store, "王编辑", "correct horse").unwrap().map(|u| u.role), Some(Role::Editor));
        assert_eq!(verify_password(&store, "王编辑", "wrong horse").unwrap(), None);
        assert_eq!(verify_password(&store, "nobody", "correct horse").unwrap(), None);
        assert_eq!(verify_password(&store, "王编辑", &"x".repeat(100_000)).unwrap(), None, "a huge password is refused unhashed");
        assert!(add_user(&store, "王编辑", Role::Reader, "another one").is_err(), "a name is taken once");
    }

    #[test]
    fn names_and_passwords_are_checked() {
        let store = SqliteStore::open_in_memory().unwrap();
        for (name, password) in [("", "long enough"), ("a\u{7}b", "long enough"), (&*"n".repeat(65), "long enough"), ("ok", "short"), ("ok", &*"p".repeat(1025))] {
            let error = add_user(&store, name, Role::Reader, password).unwrap_err().to_string();
            assert!(!error.contains(password) || password.len() < 8, "an error never shows the password: {error}");
        }
        assert!(add_user(&store, &"名".repeat(64), Role::Reader, "八个字符的密码吗").is_ok(), "64 characters, 8 characters");
        assert!(store.users().unwrap().len() == 1);
    }

    #[test]
    fn sessions_last_a_week_and_end_with_sign_out_or_a_new_password() {
        let store = SqliteStore::open_in_memory().unwrap();
        add_user(&store, "reader", Role::Reader, "password1").unwrap();
        assert!(sign_in(&store, "reader", "password2", 1_000).unwrap().is_none());
        let started = sign_in(&store, "reader", "password1", 1_000).unwrap().unwrap();
        assert!(is_session_token(&started.token));
        assert_eq!(started.expires_at, 1_000 + SESSION_LIFETIME.as_secs());
        let live = session(&store, &started.token, 2_000).unwrap().unwrap();
        assert_eq!((live.user.as_str(), live.role), ("reader", Role::Reader));
        assert!(csrf_matches(&live.csrf, &started.csrf));
        assert!(!csrf_matches(&live.csrf, ""));
        assert!(session(&store, &started.token, started.expires_at).unwrap().is_none(), "over after a week");
        assert!(session(&store, "ys_not-a-token", 2_000).unwrap().is_none());
        assert!(end_session(&store, &started.token).unwrap());
        assert!(session(&store, &started.token, 2_000).unwrap().is_none(), "signed out");
        let again = sign_in(&store, "reader", "password1", 3_000).unwrap().unwrap();
        set_password(&store, "reader", "password2").unwrap();
        assert!(session(&store, &again.token, 3_001).unwrap().is_none(), "a new password ends the sessions");
        assert!(sign_in(&store, "reader", "password2", 3_002).unwrap().is_some());
        remove_user(&store, "reader").unwrap();
        assert!(sign_in(&store, "reader", "password2", 3_003).unwrap().is_none());
        assert!(remove_user(&store, "reader").is_err());
        assert!(set_password(&store, "reader", "password3").is_err());
    }
}
