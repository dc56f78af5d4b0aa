//! Bulk provisioning: reading an account list (CSV or JSON) and checking every row
//! before anything is written. Either all rows are good, or every bad one is named.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Deserialize;

use crate::domain::account::Role;
use crate::domain::password::{self, Password};
use crate::domain::policy::Policy;
use crate::domain::text::shown;
use crate::domain::username::Username;
use crate::error::Error;

/// Where a row is in the file: a CSV line, or a JSON array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Line(u64),
    Index(usize),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(n) => write!(f, "line {n}"),
            Place::Index(n) => write!(f, "index {n}"),
        }
    }
}

/// A row as read, before checking. Every field is text; blank means "not given".
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRow {
    pub username: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    #[serde(rename = "2fa")]
    pub two_factor: Option<String>,
    pub password: Option<String>,
    /// An argon2id PHC string, for moving accounts from another system (and for
    /// benchmarks) without ever handling the password.
    pub password_hash: Option<String>,
}

/// How the new account gets its password.
#[derive(Debug)]
pub enum Secret {
    /// Given in the file: hashed here.
    Password(Password),
    /// Given already hashed.
    Hash(String),
    /// Not given: a temporary one is made, to be changed at first sign-in.
    Temporary,
}

/// A row that passed every check.
#[derive(Debug)]
pub struct Row {
    pub place: Place,
    pub username: Username,
    pub name: Option<String>,
    pub role: Role,
    pub policy: Policy,
    pub secret: Secret,
}

/// A row that did not, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub place: Place,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.reason)
    }
}

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// The file as text: UTF-8 (what "CSV UTF-8" in a spreadsheet saves), else a usage
/// error naming the line of the first byte that is not.
pub fn text_of(bytes: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        Error::Usage(format!(
            "line {}: not UTF-8 text: save the file as UTF-8 (in a spreadsheet: \"CSV UTF-8\") and import it again",
            line_of(bytes, e.valid_up_to())
        ))
    })
}

/// The line an editor shows for byte `at`: one more than the line feeds before it.
fn line_of(bytes: &[u8], at: usize) -> u64 {
    let before = &bytes[..at.min(bytes.len())];
    1 + before.iter().filter(|b| **b == b'\n').count() as u64
}

/// Reads the rows. A file that cannot be read as a whole (no header, bad JSON) is an
/// error; rows that are merely wrong are left for [`check`].
pub fn read(text: &str, format: Format) -> Result<Vec<(Place, RawRow)>, Error> {
    match format {
        Format::Csv => read_csv(text),
        Format::Json => read_json(text),
    }
}

const COLUMNS: [&str; 6] = ["username", "name", "role", "2fa", "password", "password_hash"];

fn read_csv(text: &str) -> Result<Vec<(Place, RawRow)>, Error> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(text, &e))?.clone();
    if let Some(unknown) = headers.iter().find(|h| !COLUMNS.contains(h)) {
        return Err(Error::Usage(format!(
            "line 1: unknown column {}: the columns are {}",
            shown(unknown),
            COLUMNS.join(", ")
        )));
    }
    for (i, column) in headers.iter().enumerate() {
        if headers.iter().skip(i + 1).any(|h| h == column) {
            return Err(Error::Usage(format!(
                "line 1: the column {column:?} is there twice: keep one, so no value is silently dropped"
            )));
        }
    }
    if !headers.iter().any(|h| h == "username") {
        return Err(Error::Usage(
            "line 1: no username column: the first line names the columns, e.g. username,name,role,2fa".into(),
        ));
    }
    let mut rows = Vec::new();
    // Lines counted from byte offsets, as an editor counts them: the csv crate's own
    // count runs short after CRLF line ends and blank lines. Counted onward from the
    // last record, so a long file is read once.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(text, &e))?;
        let start = record.position().map_or(counted_to, |p| record_start(bytes, p.byte()));
        line +=
            bytes[counted_to..start.max(counted_to)].iter().filter(|b| **b == b'\n').count() as u64;
        counted_to = start.max(counted_to);
        let field = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        rows.push((
            Place::Line(line),
            RawRow {
                username: field("username"),
                name: field("name"),
                role: field("role"),
                two_factor: field("2fa"),
                password: field("password"),
                password_hash: field("password_hash"),
            },
        ));
    }
    Ok(rows)
}

/// Where a record really begins: the csv crate's offset can point at the line ends
/// (and blank lines) before it.
fn record_start(bytes: &[u8], offset: u64) -> usize {
    let offset = usize::try_from(offset).unwrap_or(bytes.len()).min(bytes.len());
    offset + bytes[offset..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count()
}

fn csv_error(text: &str, e: &csv::Error) -> Error {
    let bytes = text.as_bytes();
    let place = e.position().map_or_else(String::new, |p| {
        format!("line {}: ", line_of(bytes, record_start(bytes, p.byte())))
    });
    Error::Usage(format!("{place}not readable as CSV: {e}"))
}

fn read_json(text: &str) -> Result<Vec<(Place, RawRow)>, Error> {
    let rows: Vec<RawRow> = serde_json::from_str(text).map_err(|e| {
        Error::Usage(format!(
            "line {}: not an array of accounts ({e}); each item is like {{\"username\": \"alice\", \"name\": \"Alice Smith\", \"role\": \"staff\", \"2fa\": \"clinic-default\"}}",
            e.line()
        ))
    })?;
    Ok(rows.into_iter().enumerate().map(|(i, r)| (Place::Index(i), r)).collect())
}

/// Checks every row: its fields, duplicates within the file, and clashes with
/// `existing` usernames. Returns all good rows, or every problem found.
pub fn check(
    rows: Vec<(Place, RawRow)>,
    existing: &HashSet<String>,
) -> Result<Vec<Row>, Vec<Problem>> {
    let mut good = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    let mut seen: HashMap<String, Place> = HashMap::new();
    for (place, raw) in rows {
        match check_row(place, raw, existing, &mut seen) {
            Ok(row) => good.push(row),
            Err(reasons) => problems.push(Problem { place, reason: reasons.join("; ") }),
        }
    }
    if problems.is_empty() { Ok(good) } else { Err(problems) }
}

fn check_row(
    place: Place,
    raw: RawRow,
    existing: &HashSet<String>,
    seen: &mut HashMap<String, Place>,
) -> Result<Row, Vec<String>> {
    let mut reasons = Vec::new();
    let username = match raw.username.as_deref().map(str::trim) {
        None | Some("") => {
            reasons.push("no username".to_owned());
            None
        }
        Some(text) => match Username::parse(text) {
            Err(e) => {
                reasons.push(e.to_string());
                None
            }
            Ok(username) => {
                if existing.contains(username.as_str()) {
                    reasons.push(format!("user {:?} already exists", username.as_str()));
                } else if let Some(first) = seen.get(username.as_str()) {
                    reasons.push(format!("{:?} is also on {first}", username.as_str()));
                } else {
                    seen.insert(username.as_str().to_owned(), place);
                }
                Some(username)
            }
        },
    };
    let name = raw.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if let Some(name) = name.filter(|n| n.chars().any(char::is_control) || n.chars().count() > 200)
    {
        reasons.push(format!("invalid name {}: use at most 200 printable characters", shown(name)));
    }
    let role = match raw.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => Some(Role::Staff),
        Some(text) => text.parse::<Role>().map_err(|e| reasons.push(e)).ok(),
    };
    let policy = match raw.two_factor.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => Some(Policy::ClinicDefault),
        Some(text) => text.parse::<Policy>().map_err(|e| reasons.push(e)).ok(),
    };
    let secret = match (raw.password, raw.password_hash) {
        (Some(_), Some(_)) => {
            reasons.push("give a password or a password_hash, not both".to_owned());
            None
        }
        (Some(given), None) => {
            let given = Password::new(given);
            match &username {
                Some(u) => match password::check_new(&given, u) {
                    Ok(()) => Some(Secret::Password(given)),
                    Err(e) => {
                        reasons.push(e.to_string());
                        None
                    }
                },
                None => None,
            }
        }
        (None, Some(hash)) => match password::check_phc(&hash) {
            Ok(()) => Some(Secret::Hash(hash)),
            Err(e) => {
                reasons.push(e.to_string());
                None
            }
        },
        (None, None) => Some(Secret::Temporary),
    };
    match (username, role, policy, secret) {
        (Some(username), Some(role), Some(policy), Some(secret)) if reasons.is_empty() => {
            Ok(Row { place, username, name: name.map(str::to_owned), role, policy, secret })
        }
        _ => Err(reasons),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing() -> HashSet<String> {
        ["carol".to_owned()].into()
    }

    #[test]
    fn a_good_csv_file_gives_every_row_with_defaults() {
        let text = "username,name,role,2fa,password\n\
                    Alice,Alice Smith,admin,required,correct horse battery\n\
                    bob,,,,\n";
        let rows = check(read(text, Format::Csv).unwrap(), &existing()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].username.as_str(), rows[0].role, rows[0].policy),
            ("alice", Role::Admin, Policy::Required)
        );
        assert_eq!(rows[0].place, Place::Line(2));
        assert!(matches!(rows[1].secret, Secret::Temporary));
        assert_eq!(
            (rows[1].role, rows[1].policy, rows[1].name.as_deref()),
            (Role::Staff, Policy::ClinicDefault, None)
        );
    }

    #[test]
    fn every_bad_row_is_named_with_its_line_and_reason() {
        let text = "username,role,2fa,password\n\
                    ok1,staff,exempt,\n\
                    -bad,staff,,\n\
                    carol,,,\n\
                    dup,,,\n\
                    DUP,boss,never,\n\
                    weak,,,password1\n";
        let problems = check(read(text, Format::Csv).unwrap(), &existing()).unwrap_err();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 4, "{shown:#?}");
        assert!(shown[0].starts_with("line 3: invalid username"), "{shown:#?}");
        assert_eq!(shown[1], "line 4: user \"carol\" already exists");
        assert!(
            shown[2].starts_with("line 6: \"dup\" is also on line 5; unknown role \"boss\""),
            "{shown:#?}"
        );
        assert!(shown[2].contains("unknown 2FA policy \"never\""), "{shown:#?}");
        assert!(shown[3].starts_with("line 7: password refused"), "{shown:#?}");
    }

    #[test]
    fn json_rows_are_named_by_index() {
        let text = r#"[{"username": "ann", "2fa": "exempt"}, {"username": "", "role": "staff"}]"#;
        let problems = check(read(text, Format::Json).unwrap(), &existing()).unwrap_err();
        assert_eq!(problems, [Problem { place: Place::Index(1), reason: "no username".into() }]);
        assert!(read(r#"[{"username": "x", "colour": "red"}]"#, Format::Json).is_err());
        assert!(read("{}", Format::Json).is_err());
    }

    #[test]
    fn a_bad_header_is_refused_as_a_whole() {
        assert!(
            read("user,name\nalice,A\n", Format::Csv)
                .unwrap_err()
                .to_string()
                .contains("unknown column \"user\"")
        );
        assert!(
            read("name\nA\n", Format::Csv).unwrap_err().to_string().contains("no username column")
        );
    }
}
