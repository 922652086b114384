//! `yanbao user …` as an admin runs it: passwords from standard input only, one-line errors,
//! `--json` where the output is data, and nothing secret ever printed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use yanbao_store::prelude::*;

/// Runs `yanbao --data DATA ARGS…` with `input` on standard input.
fn yanbao(data: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yanbao"))
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run yanbao");
    // A command that fails before reading its input closes the pipe: that is fine.
    let _ = child.stdin.take().expect("stdin").write_all(input.as_bytes());
    child.wait_with_output().expect("yanbao ends")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn people_are_added_listed_given_new_passwords_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let added = yanbao(&data, &["user", "add", "王编辑", "--role", "editor", "--password-stdin"], "correct horse\n");
    assert!(added.status.success(), "{}", stderr(&added));
    assert_eq!(stdout(&added).trim(), "user '王编辑' added (editor)");
    let admin = yanbao(&data, &["--json", "user", "add", "root", "--role", "admin", "--password-stdin"], "another password\r\n");
    assert!(admin.status.success(), "{}", stderr(&admin));
    let json: serde_json::Value = serde_json::from_str(&stdout(&admin)).unwrap();
    assert_eq!((json["name"].as_str(), json["role"].as_str()), (Some("root"), Some("admin")));

    let listed = yanbao(&data, &["user", "list"], "");
    assert!(listed.status.success());
    let lines: Vec<String> = stdout(&listed).lines().map(|line| line.split('\t').take(2).collect::<Vec<_>>().join(" ")).collect();
    assert_eq!(lines, ["root admin", "王编辑 editor"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&yanbao(&data, &["user", "list", "--json"], ""))).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert!(json[0]["created_at"].as_str().unwrap().ends_with('Z'));
    for output in [&added, &admin, &listed] {
        for secret in ["correct horse", "another password", "$argon2"] {
            assert!(!stdout(output).contains(secret) && !stderr(output).contains(secret), "{secret} was printed");
        }
    }

    // The password is the line read (its line ending is not part of it).
    let store = yanbao_store::SqliteStore::open(&data.join("library.sqlite")).unwrap();
    let hash = store.user("root").unwrap().unwrap().password_hash;
    assert!(hash.starts_with("$argon2id$"));
    drop(store);
    let library = yanbao_engine::Library::open(&data).unwrap();
    assert!(yanbao_engine::users::verify_password(library.store(), "root", "another password").unwrap().is_some());
    drop(library);

    let changed = yanbao(&data, &["user", "passwd", "王编辑", "--password-stdin"], "a new password\n");
    assert!(changed.status.success(), "{}", stderr(&changed));
    let library = yanbao_engine::Library::open(&data).unwrap();
    assert!(yanbao_engine::users::verify_password(library.store(), "王编辑", "a new password").unwrap().is_some());
    assert!(yanbao_engine::users::verify_password(library.store(), "王编辑", "correct horse").unwrap().is_none());
    drop(library);

    let removed = yanbao(&data, &["user", "remove", "王编辑"], "");
    assert!(removed.status.success(), "{}", stderr(&removed));
    let json: serde_json::Value = serde_json::from_str(&stdout(&yanbao(&data, &["--json", "user", "list"], ""))).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
}

#[test]
fn mistakes_get_one_line_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let one_line = |output: &Output, code: i32, says: &str| {
        assert_eq!(output.status.code(), Some(code), "{}", stderr(output));
        let text = stderr(output);
        assert_eq!(text.trim().lines().count(), 1, "{text}");
        assert!(text.contains(says), "{text}");
    };
    one_line(&yanbao(&data, &["user", "add", "a", "--role", "editor", "--password-stdin"], "short\n"), 1, "at least 8 characters");
    one_line(&yanbao(&data, &["user", "add", "a", "--role", "editor", "--password-stdin"], ""), 1, "no password on standard input");
    assert!(yanbao(&data, &["user", "add", "a", "--role", "editor", "--password-stdin"], "long enough\n").status.success());
    one_line(&yanbao(&data, &["user", "add", "a", "--role", "reader", "--password-stdin"], "long enough\n"), 1, "already exists");
    one_line(&yanbao(&data, &["user", "remove", "nobody"], ""), 1, "no user named nobody");
    one_line(&yanbao(&data, &["user", "passwd", "nobody", "--password-stdin"], "long enough\n"), 1, "no user named nobody");
    // Usage errors: a role that is none, a password on the command line.
    assert_eq!(yanbao(&data, &["user", "add", "b", "--role", "owner", "--password-stdin"], "long enough\n").status.code(), Some(2));
    assert_eq!(yanbao(&data, &["user", "add", "b", "--role", "reader"], "").status.code(), Some(2));
    assert_eq!(yanbao(&data, &["user", "add", "b", "--role", "reader", "--password", "x"], "").status.code(), Some(2));
    let help = stdout(&yanbao(&data, &["user", "--help"], ""));
    for command in ["add", "list", "remove", "passwd"] {
        assert!(help.contains(command), "user --help lacks {command}");
    }
    let help = stdout(&yanbao(&data, &["user", "add", "--help"], ""));
    assert!(help.contains("--password-stdin") && help.contains("reader") && help.contains("editor") && help.contains("admin"), "{help}");
}
