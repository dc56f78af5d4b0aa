//! A clinic larger than a page: every list is whole however it is written out in
//! pieces (a table in pages, JSON as it is read, the report a list at a time), and a
//! person is shown the first few with a count.

use std::fmt::Write as _;

use serde_json::Value;

use crate::harness::Clinic;

const ACCOUNTS: usize = 1_234;

/// A clinic of [`ACCOUNTS`] staff imported with a pre-hashed password, and 2FA on.
fn big_clinic() -> Clinic {
    let clinic = Clinic::new();
    clinic.add_user("template", &[]);
    let hash: String = clinic.sql("SELECT password_hash FROM accounts");
    clinic.ok(&["user", "remove", "template", "--yes"], None);
    let mut text = String::from("username,password_hash\n");
    for i in 0..ACCOUNTS {
        writeln!(text, "nurse{i:05},\"{hash}\"").unwrap();
    }
    let file = clinic.dir().join("staff.csv");
    std::fs::write(&file, text).unwrap();
    clinic.ok(&["user", "import", &file.to_string_lossy()], None);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic
}

fn names(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

#[test]
fn every_list_of_a_clinic_larger_than_a_page_is_whole() {
    let clinic = big_clinic();
    let expected: Vec<String> = (0..ACCOUNTS).map(|i| format!("nurse{i:05}")).collect();

    // A table in pages of 500 rows: each with its header, every account once.
    let table = clinic.ok(&["user", "list"], None).stdout();
    let listed: Vec<&str> =
        expected.iter().map(String::as_str).filter(|n| table.contains(n)).collect();
    assert_eq!(listed.len(), ACCOUNTS);
    assert_eq!(table.matches("username").count(), ACCOUNTS.div_ceil(500), "one header a page");

    let json = clinic.json(&["user", "list"], None);
    let usernames: Vec<&str> =
        json.as_array().unwrap().iter().map(|a| a["username"].as_str().unwrap()).collect();
    assert_eq!(usernames, expected);

    let report = clinic.json(&["report"], None);
    assert_eq!(report["counts"]["accounts"], ACCOUNTS);
    assert_eq!(report["counts"]["required_not_enrolled"], ACCOUNTS);
    assert_eq!(names(&report["must_enrol"]), expected);
    assert_eq!(report["exempt"], Value::Array(vec![]));
    let text = clinic.ok(&["report"], None).stdout();
    assert!(text.contains(&format!("nurse00019 and {} more", ACCOUNTS - 20)), "{text}");
    assert!(!text.contains("nurse00020"), "a person sees the first 20: {text}");

    let dry = clinic.json(&["clinic", "require-2fa", "on", "--dry-run"], None);
    assert_eq!(names(&dry["must_enrol"]), expected);
    assert_eq!(dry["require_2fa_for"], "everyone");
    let said = clinic.ok(&["clinic", "require-2fa", "on", "--dry-run"], None).stdout();
    assert!(said.contains(&format!("{ACCOUNTS} would have to enrol")), "{said}");
    assert!(said.contains(&format!("and {} more", ACCOUNTS - 20)), "{said}");

    let trail = clinic.json(&["audit"], None);
    let added = trail.as_array().unwrap().iter().filter(|e| e["action"] == "user.add").count();
    assert_eq!(added, ACCOUNTS + 1, "the template too");
    let last = clinic.json(&["audit", "--limit", "3"], None);
    let seqs: Vec<i64> =
        last.as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let head = clinic.json(&["audit", "head"], None)["seq"].as_i64().unwrap();
    assert_eq!(seqs, vec![head - 2, head - 1, head], "the newest three, oldest first");
    assert_eq!(clinic.json(&["audit", "verify"], None)["entries"], head);
}
