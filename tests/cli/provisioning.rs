//! Provisioning and reporting: bulk import, temporary passwords, report, list filters,
//! explain.

use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;

use serde_json::{Value, json};

use crate::harness::{Clinic, NOW, PASSWORD};

fn write(clinic: &Clinic, name: &str, text: &str) -> String {
    let path = clinic.dir().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn count(clinic: &Clinic) -> usize {
    clinic.json(&["user", "list"], None).as_array().unwrap().len()
}

/// `n` CSV rows with a password each, starting at line 2.
fn csv_rows(n: usize, password_column: &str, value: impl Fn(usize) -> String) -> String {
    let mut text = format!("username,name,role,2fa,{password_column}\n");
    for i in 0..n {
        writeln!(text, "user{i:05},User {i},staff,clinic-default,{}", value(i)).unwrap();
    }
    text
}

#[test]
fn one_bad_row_in_a_thousand_imports_nothing_and_is_named() {
    let clinic = Clinic::new();
    let mut text = csv_rows(1000, "password", |i| format!("passphrase number {i}"));
    // Line 500 is the 499th data row.
    text = text.replace("user00498,User 498,staff,", "user00498,User 498,surgeon,");
    let file = write(&clinic, "staff.csv", &text);
    let run = clinic.run(&["user", "import", &file], None).code(2);
    let err = run.stderr();
    assert!(err.contains("line 500: unknown role \"surgeon\""), "{err}");
    assert!(
        err.contains("1 of 1000 rows are wrong") && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(count(&clinic), 0);
}

#[test]
fn ten_thousand_rows_import_in_one_go() {
    let clinic = Clinic::new();
    clinic.add_user("template", &[]);
    let hash: String = clinic.sql("SELECT password_hash FROM accounts");
    // A PHC string holds commas: quoted, as CSV has it.
    let file =
        write(&clinic, "big.csv", &csv_rows(10_000, "password_hash", |_| format!("\"{hash}\"")));
    let summary = clinic.json(&["user", "import", &file], None);
    assert_eq!(summary["imported"], 10_000);
    assert_eq!(count(&clinic), 10_001);
    clinic.login("user09999", PASSWORD, &[]).code(0);
    let audited: i64 = clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'user.add'");
    assert_eq!(audited, 10_001);
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn dry_run_checks_everything_and_changes_nothing() {
    let clinic = Clinic::new();
    let file = write(&clinic, "staff.csv", "username,name\nann,Ann\nbob,Bob\n");
    let out = clinic.dir().join("pw.csv");
    let plan = clinic.json(
        &["user", "import", &file, "--dry-run", "--passwords-out", out.to_str().unwrap()],
        None,
    );
    assert_eq!(plan, json!({"dry_run": true, "would_import": 2, "temporary_passwords": 2}));
    assert_eq!(count(&clinic), 0);
    assert!(!out.exists());
    let audited: i64 = clinic.sql("SELECT count(*) FROM audit_log WHERE action <> 'clinic.init'");
    assert_eq!(audited, 0);
    // Without --passwords-out a dry run still runs (it writes nothing), and says what
    // the real run would refuse.
    let plan = clinic.run(&["--json", "user", "import", &file, "--dry-run"], None).code(0).json();
    assert_eq!(plan["would_import"], 2);
    assert!(plan["would_refuse"].as_str().unwrap().contains("--passwords-out"), "{plan}");
    let text = clinic.ok(&["user", "import", &file, "--dry-run"], None).stdout();
    assert!(text.contains("would be refused") && text.contains("--passwords-out"), "{text}");
    assert_eq!(count(&clinic), 0);
}

#[test]
fn rows_without_a_password_get_a_temporary_one_in_a_private_file() {
    let clinic = Clinic::new();
    let file = write(
        &clinic,
        "staff.csv",
        "username,name,role,2fa,password\nann,Ann,admin,,\nbob,Bob,,exempt,correct horse battery\n",
    );
    clinic.run(&["user", "import", &file], None).code(2).error_line(&["--passwords-out"]);
    let out = clinic.dir().join("pw.csv");
    let summary =
        clinic.json(&["user", "import", &file, "--passwords-out", out.to_str().unwrap()], None);
    assert_eq!(summary["imported"], 2);
    assert_eq!(summary["temporary_passwords"], 1);
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&out).unwrap();
    let line = text.lines().nth(1).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    let temporary = line.strip_prefix("ann,").unwrap().to_owned();
    assert_eq!(clinic.user("ann")["role"], "admin");
    assert_eq!(clinic.user("bob")["two_factor"]["policy"], "exempt");
    // The temporary password only lets them choose their own.
    let run = clinic.login("ann", &temporary, &[]).code(5);
    assert_eq!(run.json()["reason"], "password-change-required");
    run.error_line(&["clinic2fa passwd ann"]);
    clinic.ok(
        &["passwd", "ann", "--password-stdin"],
        Some(&format!("{temporary}\nann's own passphrase\n")),
    );
    clinic.login("ann", "ann's own passphrase", &[]).code(0);
    // Bob's own password from the file works at once.
    clinic.login("bob", "correct horse battery", &[]).code(0);
    // The passwords file is never overwritten.
    let again = write(&clinic, "more.csv", "username\ncarl\n");
    clinic
        .run(&["user", "import", &again, "--passwords-out", out.to_str().unwrap()], None)
        .code(2)
        .error_line(&["never overwritten"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
}

#[test]
fn json_files_duplicates_and_existing_accounts() {
    let clinic = Clinic::new();
    clinic.add_user("carol", &[]);
    let file = write(
        &clinic,
        "staff.json",
        r#"[{"username": "ann", "password": "correct horse battery"},
            {"username": "Carol", "password": "correct horse battery"},
            {"username": "ANN", "password": "correct horse battery"},
            {"username": "dan", "2fa": "sometimes", "password": "correct horse battery"}]"#,
    );
    let run = clinic.run(&["--json", "user", "import", &file], None).code(2);
    assert_eq!(
        run.json()["errors"],
        json!([
            {"index": 1, "reason": "user \"carol\" already exists"},
            {"index": 2, "reason": "\"ann\" is also on index 0"},
            {"index": 3, "reason": "unknown 2FA policy \"sometimes\": use clinic-default, required or exempt"},
        ])
    );
    assert_eq!(count(&clinic), 1);
    let unknown = write(&clinic, "staff.txt", "username\nann\n");
    clinic.run(&["user", "import", &unknown], None).code(2).error_line(&["--format"]);
    clinic.ok(&["user", "import", &unknown, "--format", "csv", "--passwords-out", "pw.csv"], None);
    clinic.run(&["user", "import", "missing.csv"], None).code(1).error_line(&["missing.csv"]);
}

#[test]
fn report_counts_and_lists_what_needs_acting_on() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("ann", &[]);
    clinic.add_user("bob", &["--2fa", "exempt"]);
    clinic.add_user("cat", &[]);
    clinic.enrol("cat");
    clinic.add_user("dan", &[]);
    clinic.ok(&["user", "disable", "dan"], None);
    clinic.add_user("eve", &[]);
    clinic.ok(&["user", "grant-bypass", "eve"], None);
    clinic.ok(&["clinic", "set", "lockout-threshold", "1"], None);
    clinic.login("ann", "wrong password!", &[]).code(3);
    let report = clinic.json(&["report"], None);
    assert_eq!(
        report["counts"],
        json!({"accounts": 5, "enrolled": 1, "authenticators": 1, "several_authenticators": 0,
               "required": 4, "required_not_enrolled": 2,
               "exempt": 1, "bypass_pending": 1, "locked": 1, "disabled": 1, "inactive": 0})
    );
    assert_eq!(report["must_enrol"], json!(["ann", "eve"]));
    assert_eq!(report["exempt"], json!(["bob"]));
    assert_eq!(
        report["bypass_pending"],
        json!([{"username": "eve", "expires_at": "2026-11-28T17:00:00Z"}])
    );
    assert_eq!(
        report["locked"],
        json!([{"username": "ann", "locked_until": "2026-11-27T17:15:00Z"}])
    );
    let text = clinic.ok(&["report"], None).stdout();
    assert!(
        text.contains("required, not enrolled")
            && text.contains("Must set up 2FA at their next login: ann, eve"),
        "{text}"
    );
    let csv = clinic.ok(&["report", "--csv"], None).stdout();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("username,name,role") && lines[0].ends_with(",status"), "{csv}");
    let status: Vec<&str> = lines[1..].iter().map(|l| l.rsplit(',').next().unwrap()).collect();
    assert_eq!(status, ["locked", "exempt", "ok", "disabled", "bypass-pending"]);
    clinic.run(&["--json", "report", "--csv"], None).code(2);
}

#[test]
fn user_list_filters_combine_and_csv_has_a_header() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("ann", &["--role", "admin"]);
    clinic.add_user("bob", &["--2fa", "exempt"]);
    clinic.add_user("cat", &[]);
    clinic.enrol("cat");
    clinic.ok(&["user", "grant-bypass", "cat"], None);
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["user", "list"];
        all.extend_from_slice(args);
        clinic
            .json(&all, None)
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&[]), ["ann", "bob", "cat"]);
    assert_eq!(names(&["--role", "staff"]), ["bob", "cat"]);
    assert_eq!(names(&["--needs-enrolment"]), ["ann"]);
    assert_eq!(names(&["--exempt"]), ["bob"]);
    assert_eq!(names(&["--bypass-pending"]), ["cat"]);
    assert_eq!(names(&["--locked"]), Vec::<String>::new());
    assert_eq!(names(&["--role", "admin", "--exempt"]), Vec::<String>::new());
    let csv = clinic.ok(&["user", "list", "--csv", "--exempt"], None).stdout();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(
        csv.lines().nth(1).unwrap().starts_with("bob,,staff,false,exempt,false,false,0,"),
        "{csv}"
    );
}

#[test]
fn explain_says_why_and_what_the_next_login_asks() {
    let clinic = Clinic::new();
    clinic.add_user("ann", &[]);
    clinic.add_user("bob", &["--2fa", "exempt"]);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    let ann = clinic.json(&["user", "explain", "ann"], None);
    assert_eq!(ann["required"], true);
    assert_eq!(ann["decided_by"], "clinic-wide setting");
    assert!(ann["next_login"].as_str().unwrap().contains("setting up an authenticator"), "{ann}");
    let bob = clinic.json(&["user", "explain", "bob"], None);
    assert_eq!(
        (bob["required"].clone(), bob["decided_by"].clone()),
        (json!(false), json!("per-user setting"))
    );
    let text = clinic.ok(&["user", "explain", "bob"], None).stdout();
    assert!(
        text.contains("overrides the clinic-wide requirement")
            && text.contains("the password alone"),
        "{text}"
    );
    clinic.ok(&["user", "grant-bypass", "ann"], None);
    let ann = clinic.json(&["user", "explain", "ann"], None);
    assert_eq!(ann["bypass"], json!({"expires_at": "2026-11-28T17:00:00Z"}));
    assert!(ann["next_login"].as_str().unwrap().contains("once"), "{ann}");
    clinic.run(&["user", "explain", "ghost"], None).code(1);
    assert_eq!(clinic.user("ann")["two_factor"]["policy"], Value::from("clinic-default"));
    let _ = NOW;
}

/// Every cell of a CSV, as Python's csv module (what a spreadsheet import does) reads it.
fn python_csv_cells(csv: &str) -> Vec<Vec<String>> {
    let mut child = std::process::Command::new("python3")
        .args(["-c", "import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    crate::harness::feed(&mut child, csv.as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn csv_files_write_formula_cells_so_they_show_as_text() {
    let clinic = Clinic::new();
    let names = [
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+1 555",
        "-2+3",
        "@SUM(A1)",
        "\tTab",
        "Plain Name",
    ];
    for (i, name) in names.iter().enumerate() {
        clinic.add_user(&format!("user{i}"), &[&format!("--name={name}")]);
    }
    for command in [&["user", "list", "--csv"][..], &["report", "--csv"]] {
        let csv = clinic.ok(command, None).stdout();
        let rows = python_csv_cells(&csv);
        let name_column = rows[0].iter().position(|h| h == "name").unwrap();
        let shown: Vec<&str> = rows[1..].iter().map(|r| r[name_column].as_str()).collect();
        // As stored (a name is trimmed of surrounding blanks), then made text.
        let expected: Vec<String> = (0..names.len())
            .map(|i| clinic.user(&format!("user{i}"))["name"].as_str().unwrap().to_owned())
            .map(|n| if n.starts_with(['=', '+', '-', '@']) { format!("'{n}") } else { n })
            .collect();
        assert_eq!(shown, expected, "{command:?}");
        for cell in rows.iter().flatten() {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{command:?}: {cell:?}");
        }
    }
}

#[test]
fn import_errors_name_the_line_an_editor_shows() {
    let clinic = Clinic::new();
    // Excel's CRLF line ends, blank lines and a quoted field over two lines (a name
    // may not hold a line break): the bad rows start on editor lines 4, 7 and 9.
    let text = "username,name\r\n\r\nann,Ann\r\nBad Name!,Bob\r\n\r\n\r\ncat,\"two\r\nlines\"\r\n,No Username\r\n";
    let file = write(&clinic, "excel.csv", text);
    let run = clinic.run(&["--json", "user", "import", &file], None).code(2);
    let lines: Vec<i64> = run.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [4, 7, 9], "{}", run.stdout());
    assert_eq!(count(&clinic), 0);
}

#[test]
fn a_duplicate_column_a_huge_header_and_bytes_that_are_not_utf8_are_refused_clearly() {
    let clinic = Clinic::new();
    let file = write(&clinic, "dup.csv", "username,role,role\nann,staff,admin\n");
    clinic
        .run(&["user", "import", &file], None)
        .code(2)
        .error_line(&["line 1", "\"role\"", "twice"]);
    let huge = format!("username,{}\nann,x\n", "h".repeat(5_000_000));
    let file = write(&clinic, "huge.csv", &huge);
    let run = clinic.run(&["user", "import", &file], None).code(2);
    assert!(run.stderr().len() < 400, "the error quotes the header shortened");
    run.error_line(&["line 1", "unknown column", "(5000000 characters)"]);
    let path = clinic.dir().join("latin1.csv");
    std::fs::write(&path, b"username,name\nann,Ann\nbob,Jos\xe9\n").unwrap();
    clinic
        .run(&["user", "import", path.to_str().unwrap()], None)
        .code(2)
        .error_line(&["line 3", "not UTF-8"]);
    assert_eq!(count(&clinic), 0);
}

#[test]
fn inactive_accounts_are_listed_by_their_last_sign_in_or_their_making() {
    let clinic = Clinic::new();
    clinic.add_user("ann", &[]);
    clinic.add_user("bob", &[]);
    clinic.add_user("dan", &[]);
    clinic.ok(&["user", "disable", "dan"], None);
    let day = 86_400;
    clinic.login_at("bob", NOW + 50 * day, &[]).code(0);
    let at = |when: i64, args: &[&str]| -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        clinic.at(when, &all, None).code(0).json()
    };
    let names = |v: &Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|a| a["username"].as_str().unwrap().to_owned()).collect()
    };
    // 100 days on: ann never signed in (made 100 days ago), bob 50 days ago.
    let later = NOW + 100 * day;
    assert_eq!(names(&at(later, &["user", "list", "--inactive", "90d"])), ["ann", "dan"]);
    assert_eq!(names(&at(later, &["user", "list", "--inactive", "7w"])), ["ann", "bob", "dan"]);
    let report = at(later, &["report"]);
    assert_eq!(report["counts"]["inactive"], 1, "a disabled account is dealt with already");
    assert_eq!(
        report["inactive"],
        json!([{"username": "ann", "last_seen": "2026-11-27T17:00:00Z"}])
    );
    assert_eq!(report["inactive_days"], 90);
    clinic.ok(&["clinic", "set", "inactive-days", "30"], None);
    assert_eq!(names(&at(later, &["report"])["inactive"]), ["ann", "bob"]);
    let text = clinic.at(later, &["report"], None).code(0).stdout();
    assert!(text.contains("No sign-in for 30 days or more"), "{text}");
    clinic.run(&["clinic", "set", "inactive-days", "6"], None).code(2).error_line(&["7 to 3650"]);
    clinic
        .run(&["user", "list", "--inactive", "soon"], None)
        .code(2)
        .error_line(&["--inactive", "90d"]);
}

#[test]
fn a_passwords_file_that_cannot_be_written_is_removed_so_the_retry_works() {
    let clinic = Clinic::new();
    let file = write(&clinic, "staff.csv", "username,name\nann,Ann\nbob,Bob\n");
    let out = clinic.dir().join("pw.csv");
    // Held open here, so the database's shared-memory file is there already and only
    // the passwords file meets the limit of 0 bytes per file.
    let held = rusqlite::Connection::open(clinic.db()).unwrap();
    let _: i64 = held.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0)).unwrap();
    let script = format!(
        "trap '' XFSZ; ulimit -f 0; exec \"$0\" user import {file} --passwords-out {}",
        out.display()
    );
    let failed = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .arg(assert_cmd::cargo::cargo_bin!("clinic2fa"))
        .env_clear()
        .envs(clinic.database_env())
        .env("CLINIC2FA_NOW", NOW.to_string())
        .env("HOME", clinic.dir())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{err}");
    assert!(err.contains("could not write") && err.contains("pw.csv"), "{err}");
    assert!(!out.exists(), "no empty file is left to block the retry");
    assert_eq!(count(&clinic), 0);
    drop(held);
    clinic.ok(&["user", "import", &file, "--passwords-out", out.to_str().unwrap()], None);
    assert_eq!(count(&clinic), 2);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 3);
}

#[test]
fn report_names_people_in_the_order_people_read_them() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    let file = write(
        &clinic,
        "staff.csv",
        &(String::from("username,password\n")
            + &["staff10", "staff2", "staff1", "ann"]
                .map(|n| format!("{n},{PASSWORD}\n"))
                .concat()),
    );
    clinic.ok(&["user", "import", &file], None);
    let text = clinic.ok(&["report"], None).stdout();
    assert!(
        text.contains("Must set up 2FA at their next login: ann, staff1, staff2, staff10"),
        "{text}"
    );
}
