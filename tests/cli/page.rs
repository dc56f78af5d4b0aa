//! The self-service enrolment page (`user enrol-link`, `GET|POST /enrol/TOKEN`),
//! driven as a browser would with curl (a cookie jar, form posts), and the link's
//! guarantees attacked as an insider would, with sqlite3 or psql on the database.
//! (The real browser is in `browser.rs`.)

use std::path::PathBuf;

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};
use crate::security::tamper;
use crate::service::Service;

const STEP: i64 = 30;

/// A browser's side of the page: one cookie jar.
pub struct Visit {
    jar: PathBuf,
}

/// A page as it came: status, headers (lower-cased names) and body.
pub struct Shown {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

impl Shown {
    /// A hidden or named form field's value (`name="NAME" value="…"`).
    pub fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let at = self.body.find(&marker).unwrap_or_else(|| panic!("no {name}: {}", self.body));
        let rest = &self.body[at + marker.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// Where the form posts.
    pub fn action(&self) -> String {
        let at = self.body.find("action=\"").expect("a form") + "action=\"".len();
        let rest = &self.body[at..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// The setup key shown, without its spaces.
    pub fn key(&self) -> String {
        let at = self.body.find("class=\"key\">").expect("a key") + "class=\"key\">".len();
        let rest = &self.body[at..];
        rest[..rest.find('<').unwrap()].replace(' ', "")
    }

    /// The recovery codes listed.
    pub fn codes(&self) -> Vec<String> {
        self.body
            .split("<li>")
            .skip(1)
            .map(|item| item[..item.find("</li>").unwrap()].to_owned())
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

impl Visit {
    pub fn new(clinic: &Clinic, name: &str) -> Visit {
        Visit { jar: clinic.dir().join(format!("{name}.cookies")) }
    }

    fn curl(&self, url: &str, form: Option<&str>) -> Shown {
        let jar = self.jar.to_string_lossy().into_owned();
        let mut args = vec!["-sS", "--max-time", "60", "-D", "-", "-b", &jar, "-c", &jar, url];
        if form.is_some() {
            args.extend([
                "--data-binary",
                "@-",
                "-H",
                "Content-Type: application/x-www-form-urlencoded",
            ]);
        }
        let (status, headers, body) = crate::service::curl(&args, form.unwrap_or(""));
        Shown { status, headers, body }
    }

    pub fn get(&self, url: &str) -> Shown {
        self.curl(url, None)
    }

    /// Posts `fields` (name, value) to the form of `page`, with its CSRF token.
    pub fn submit(&self, service: &Service, page: &Shown, fields: &[(&str, &str)]) -> Shown {
        let csrf = page.field("csrf");
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(&format!("{}{}", service.url, page.action()), &all)
    }

    pub fn post(&self, url: &str, fields: &[(&str, &str)]) -> Shown {
        let body: String =
            form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.curl(url, Some(&body))
    }
}

/// A clinic whose links lead to `service`, and a link for `username`.
pub fn link_for(clinic: &Clinic, service: &Service, username: &str, extra: &[&str]) -> String {
    clinic.ok(&["clinic", "set", "public-url", &service.url], None);
    let mut args = vec!["user", "enrol-link", username];
    args.extend_from_slice(extra);
    let link = clinic.json(&args, None);
    link["url"].as_str().unwrap().to_owned()
}

fn failed_logins(clinic: &Clinic, username: &str) -> i64 {
    clinic.sql(&format!("SELECT failed_logins FROM accounts WHERE username = '{username}'"))
}

#[test]
fn a_link_opens_a_page_that_sets_up_an_authenticator_and_shows_the_recovery_codes_once() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set-name", "Sunny <Vale> & Co"], None);
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &[]);
    let url = link_for(&clinic, &service, "alice", &[]);
    let token = url.rsplit('/').next().unwrap().to_owned();
    assert!(url.starts_with(&format!("{}/enrol/", service.url)), "{url}");
    assert!(token.len() >= 26, "at least 128 bits: {token}");

    let visit = Visit::new(&clinic, "alice");
    let first = visit.get(&url);
    assert_eq!(first.status, 200, "{}", first.body);
    let csp = first.header("content-security-policy").unwrap();
    for part in ["default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"] {
        assert!(csp.contains(part), "{csp}");
    }
    assert_eq!(first.header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(first.header("referrer-policy").as_deref(), Some("no-referrer"));
    assert_eq!(first.header("cache-control").as_deref(), Some("no-store"));
    let cookie = first.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http to this machine: {cookie}");
    assert!(first.body.contains("Sunny &lt;Vale&gt; &amp; Co"), "the name, escaped");
    assert!(!first.body.contains("<Vale>"));
    assert!(first.body.contains("<label for=\"password\">"));

    // A wrong password counts toward the lockout, as at every door.
    let wrong =
        visit.submit(&service, &first, &[("step", "sign-in"), ("password", "not-it-at-all")]);
    assert_eq!(wrong.status, 200);
    assert!(wrong.body.contains("password is not right"), "{}", wrong.body);
    assert_eq!(failed_logins(&clinic, "alice"), 1);

    let shown = visit.submit(&service, &wrong, &[("step", "sign-in"), ("password", PASSWORD)]);
    assert!(
        shown.body.contains("<svg") && shown.body.contains("otpauth://totp/"),
        "{}",
        shown.body
    );
    let key = shown.key();
    assert_eq!(key.len(), 32, "{key}");
    let confirmed =
        visit.submit(&service, &shown, &[("step", "confirm"), ("code", &totp_code(&key, NOW))]);
    assert_eq!(confirmed.status, 200);
    let codes = confirmed.codes();
    assert_eq!(codes.len(), 10, "{}", confirmed.body);
    let download = visit.get(&format!("{url}/recovery-codes.txt"));
    assert_eq!(download.status, 200);
    assert!(download.header("content-disposition").unwrap().contains("attachment"));
    for code in &codes {
        assert!(download.body.contains(code.as_str()), "{code} in the download");
    }
    // The new authenticator signs in; a recovery code too.
    clinic.login_at("alice", NOW + 2 * STEP, &["--code", &totp_code(&key, NOW + 2 * STEP)]).code(0);
    clinic.login("alice", PASSWORD, &["--recovery-code", &codes[0]]).code(0);

    // Spent: the link, and the download to anyone else.
    let again = Visit::new(&clinic, "again").get(&url);
    assert_eq!(again.status, 410, "{}", again.body);
    assert!(again.body.contains("used already") && again.body.contains("admin"));
    assert_eq!(Visit::new(&clinic, "other").get(&format!("{url}/recovery-codes.txt")).status, 404);
    let unknown =
        Visit::new(&clinic, "x").get(&format!("{}/enrol/{}", service.url, "a".repeat(52)));
    assert_eq!(unknown.status, 404);

    // The trail says what happened, where; the token is in neither it nor the log.
    let trail = clinic.ok(&["--json", "audit", "--user", "alice"], None).stdout();
    assert!(trail.contains("user.enrol-link") && trail.contains("at the enrolment page"));
    assert!(!trail.contains(&token));
    assert!(!service.log().join("\n").contains(&token), "{:?}", service.log());
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn a_form_without_its_session_s_csrf_token_is_refused_and_changes_nothing() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &[]);
    let url = link_for(&clinic, &service, "alice", &[]);
    let visit = Visit::new(&clinic, "alice");
    let page = visit.get(&url);
    let path = format!("{}{}", service.url, page.action());
    // No token; another token; the right token from a browser without the cookie.
    for (who, fields) in [
        (&visit, vec![("step", "sign-in"), ("password", "a wrong one")]),
        (&visit, vec![("csrf", "0123"), ("step", "sign-in"), ("password", "a wrong one")]),
    ] {
        let refused = who.post(&path, &fields);
        assert_eq!(refused.status, 403, "{}", refused.body);
    }
    let csrf = page.field("csrf");
    let elsewhere = Visit::new(&clinic, "attacker");
    let refused =
        elsewhere.post(&path, &[("csrf", &csrf), ("step", "sign-in"), ("password", "wrong")]);
    assert_eq!(refused.status, 403);
    assert_eq!(failed_logins(&clinic, "alice"), 0, "nothing was tried");
    let pending: i64 = clinic.sql("SELECT count(*) FROM pending_enrolments");
    assert_eq!(pending, 0);
    // The page itself still works.
    let shown = visit.submit(&service, &page, &[("step", "sign-in"), ("password", PASSWORD)]);
    assert!(shown.body.contains("<svg"));
}

#[test]
fn adding_a_device_at_the_page_needs_a_current_code_and_lockout_counts_there() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let (secret, _) = clinic.enrol("alice");
    let service = Service::start_at(&clinic, NOW + 4 * STEP, &[]);
    let url = link_for(&clinic, &service, "alice", &[]);
    let visit = Visit::new(&clinic, "alice");
    let page = visit.get(&url);
    assert!(page.body.contains("<label for=\"code\">") && page.body.contains("name=\"device\""));
    // The password alone: the code is asked for.
    let asked = visit.submit(
        &service,
        &page,
        &[("step", "sign-in"), ("password", PASSWORD), ("device", "tablet")],
    );
    assert!(asked.body.contains("type a current code"), "{}", asked.body);
    // A wrong one ends the attempt, as `enrol` does: the sign-in again, with a code.
    let wrong = visit.submit(&service, &asked, &[("step", "code"), ("code", "000000")]);
    assert!(wrong.body.contains("does not match"), "{}", wrong.body);
    assert!(wrong.body.contains("name=\"password\""), "{}", wrong.body);
    let code = totp_code(&secret, NOW + 4 * STEP);
    let shown = visit.submit(
        &service,
        &wrong,
        &[("step", "sign-in"), ("password", PASSWORD), ("code", &code), ("device", "tablet")],
    );
    assert!(shown.body.contains("<svg"), "{}", shown.body);
    let key = shown.key();
    let done = visit.submit(
        &service,
        &shown,
        &[("step", "confirm"), ("code", &totp_code(&key, NOW + 4 * STEP))],
    );
    assert_eq!(done.codes().len(), 10, "{}", done.body);
    let devices = clinic.json(&["user", "2fa", "list", "alice"], None);
    let names: Vec<&str> =
        devices.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["phone", "tablet"]);

    // Five wrong passwords through a new link lock the account, as anywhere.
    let url = link_for(&clinic, &service, "alice", &[]);
    let visit = Visit::new(&clinic, "guesser");
    let mut page = visit.get(&url);
    for _ in 0..5 {
        page = visit.submit(
            &service,
            &page,
            &[("step", "sign-in"), ("password", "guess-guess-guess")],
        );
    }
    let locked = visit.submit(
        &service,
        &page,
        &[("step", "sign-in"), ("password", PASSWORD), ("code", &code)],
    );
    assert!(locked.body.contains("locked"), "{}", locked.body);
    clinic
        .login_at("alice", NOW + 5 * STEP, &["--code", &totp_code(&secret, NOW + 5 * STEP)])
        .code(4);
}

#[test]
fn a_new_link_ends_the_old_one_and_an_expired_one_says_so() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &[]);
    let first = link_for(&clinic, &service, "alice", &[]);
    let second = link_for(&clinic, &service, "alice", &["--expires-in", "1h"]);
    assert_eq!(Visit::new(&clinic, "a").get(&first).status, 404, "a new link ends the old");
    assert_eq!(Visit::new(&clinic, "b").get(&second).status, 200);
    drop(service);
    let later = Service::start_at(&clinic, NOW + 3601, &[]);
    let expired =
        Visit::new(&clinic, "c").get(&second.replace(&service_url_of(&second), &later.url));
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("expired"), "{}", expired.body);
}

/// `http://127.0.0.1:PORT` of a link.
fn service_url_of(link: &str) -> String {
    link[..link.find("/enrol/").unwrap()].to_owned()
}

#[test]
fn enrol_link_says_what_is_missing_and_an_insider_cannot_move_or_extend_a_link() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    clinic.add_user("bob", &[]);
    clinic
        .run(&["user", "enrol-link", "alice"], None)
        .code(1)
        .error_line(&["public-url", "clinic set public-url"]);
    clinic
        .run(&["clinic", "set", "public-url", "http://signin.example.org"], None)
        .code(2)
        .error_line(&["https://"]);
    clinic.ok(&["clinic", "set", "public-url", "https://signin.example.org/"], None);
    let shown = clinic.json(&["clinic", "show"], None);
    assert_eq!(shown["settings"]["public-url"], "https://signin.example.org");
    clinic
        .run(&["user", "enrol-link", "alice", "--expires-in", "8d"], None)
        .code(2)
        .error_line(&["at most 7 days"]);
    clinic.run(&["user", "enrol-link", "nobody"], None).code(1).error_line(&["no user"]);
    let link = clinic.json(&["user", "enrol-link", "alice", "--expires-in", "2h"], None);
    assert!(link["url"].as_str().unwrap().starts_with("https://signin.example.org/enrol/"));
    assert_eq!(link["expires_at"], "2026-11-27T19:00:00Z", "NOW + 2h");
    let token = link["url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    // Only keyed hashes of it are stored.
    let stored = match clinic.server() {
        Some(db) => db.stored_bytes(),
        None => clinic.db_bytes(),
    };
    assert!(!stored.windows(token.len()).any(|w| w == token.as_bytes()), "the token in clear");

    // An insider moves alice's link onto bob, or makes it last longer: it is no link.
    let service = Service::start(&clinic, &[]);
    let url = format!("{}/enrol/{token}", service.url);
    let opened = Visit::new(&clinic, "a").get(&url);
    assert_eq!(opened.status, 200);
    // Staff reach it over HTTPS (a proxy in front): the cookie is for HTTPS only.
    assert!(opened.header("set-cookie").unwrap().contains("; Secure"));
    tamper(
        &clinic,
        "UPDATE enrol_links SET account_id = (SELECT id FROM accounts WHERE username = 'bob')",
    );
    assert_eq!(Visit::new(&clinic, "b").get(&url).status, 404);
    tamper(
        &clinic,
        "UPDATE enrol_links SET account_id = (SELECT id FROM accounts WHERE username = 'alice'), expires_at = expires_at + 86400",
    );
    assert_eq!(Visit::new(&clinic, "c").get(&url).status, 404);
    // Nor can they point the links at a page of their own.
    // (Another sealed value of the clinic's, moved into its place.)
    tamper(&clinic, "UPDATE clinic SET public_url = lookup_key");
    clinic
        .run(&["user", "enrol-link", "alice"], None)
        .code(1)
        .error_line(&["public-url", "changed outside clinic2fa"]);
}

#[test]
fn serve_public_url_is_kept_as_the_clinic_s_and_a_plain_http_one_off_this_machine_is_refused() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &["--public-url", "http://127.0.0.1:8080/"]);
    let shown = clinic.json(&["clinic", "show"], None);
    assert_eq!(shown["settings"]["public-url"], "http://127.0.0.1:8080");
    let link = clinic.json(&["user", "enrol-link", "alice"], None);
    assert!(link["url"].as_str().unwrap().starts_with("http://127.0.0.1:8080/enrol/"));
    let trail = clinic.ok(&["audit", "--action", "clinic.set"], None).stdout();
    assert!(trail.contains("serve --public-url"), "{trail}");
    drop(service);
    let refused = clinic
        .run(&["serve", "--socket", "s.sock", "--public-url", "http://signin.example.org"], None);
    refused.code(2).error_line(&["--public-url", "https://"]);
}

#[test]
fn after_a_spent_bypass_the_link_sets_up_the_new_phone_with_the_password_alone() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    clinic.enrol("alice");
    clinic.ok(&["user", "grant-bypass", "alice"], None);
    let bypassed = clinic.login("alice", PASSWORD, &[]).code(0).json();
    assert_eq!(bypassed["second_factor"], "bypass");
    assert_eq!(bypassed["enrolment_required"], true);
    let service = Service::start_at(&clinic, NOW + 2 * STEP, &[]);
    let url = link_for(&clinic, &service, "alice", &[]);
    let visit = Visit::new(&clinic, "alice");
    let page = visit.get(&url);
    assert!(!page.body.contains("name=\"code\""), "no authenticator left to ask a code of");
    let shown = visit.submit(&service, &page, &[("step", "sign-in"), ("password", PASSWORD)]);
    let key = shown.key();
    let done = visit.submit(
        &service,
        &shown,
        &[("step", "confirm"), ("code", &totp_code(&key, NOW + 2 * STEP))],
    );
    assert_eq!(done.codes().len(), 10, "{}", done.body);
    let code = totp_code(&key, NOW + 3 * STEP);
    clinic.login_at("alice", NOW + 3 * STEP, &["--code", &code]).code(0);
    assert_eq!(
        clinic.user("alice")["two_factor"]["policy"],
        "clinic-default",
        "the override as it was"
    );
}

#[test]
fn guessing_at_the_page_is_held_as_at_the_api_beyond_the_lockout() {
    let clinic = Clinic::new();
    // A lockout that never comes within the test: the page's own limit holds first.
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &[]);
    let url = link_for(&clinic, &service, "alice", &[]);
    let visit = Visit::new(&clinic, "guesser");
    let mut page = visit.get(&url);
    for _ in 0..10 {
        page = visit.submit(
            &service,
            &page,
            &[("step", "sign-in"), ("password", "guess-guess-guess")],
        );
        assert_eq!(page.status, 200);
    }
    let held = visit.submit(&service, &page, &[("step", "sign-in"), ("password", PASSWORD)]);
    assert_eq!(held.status, 429, "{}", held.body);
    assert!(held.header("retry-after").is_some());
    assert!(held.body.contains("Too many failed sign-ins"));
    assert_eq!(failed_logins(&clinic, "alice"), 10, "the held one was not tried");
}

#[test]
fn a_new_person_with_the_admin_s_password_chooses_their_own_then_sets_up_the_app() {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    let given = "Given-by-the-admin-1";
    clinic.add_user("carol", &[]);
    // What an admin sets is temporary: carol must choose her own.
    clinic.ok(&["user", "set-password", "carol", "--password-stdin"], Some(&format!("{given}\n")));
    let service = Service::start(&clinic, &[]);
    let url = link_for(&clinic, &service, "carol", &[]);
    let visit = Visit::new(&clinic, "carol");
    let page = visit.get(&url);
    let asked = visit.submit(&service, &page, &[("step", "sign-in"), ("password", given)]);
    assert!(asked.body.contains("choose your own first"), "{}", asked.body);
    let own = "Carols-own-garden-7";
    let differ = visit.submit(
        &service,
        &asked,
        &[
            ("step", "new-password"),
            ("password", given),
            ("new", own),
            ("repeat", "something else"),
        ],
    );
    assert!(
        differ.body.contains("differ") && differ.body.contains("name=\"new\""),
        "{}",
        differ.body
    );
    let wrong = visit.submit(
        &service,
        &differ,
        &[
            ("step", "new-password"),
            ("password", "not-what-was-given"),
            ("new", own),
            ("repeat", own),
        ],
    );
    assert!(
        wrong.body.contains("not right") && wrong.body.contains("name=\"new\""),
        "{}",
        wrong.body
    );
    let shown = visit.submit(
        &service,
        &wrong,
        &[("step", "new-password"), ("password", given), ("new", own), ("repeat", own)],
    );
    let key = shown.key();
    let done =
        visit.submit(&service, &shown, &[("step", "confirm"), ("code", &totp_code(&key, NOW))]);
    assert_eq!(done.codes().len(), 10, "{}", done.body);
    let code = totp_code(&key, NOW + STEP);
    let signed = clinic.at(
        NOW + STEP,
        &["--json", "login", "carol", "--password-stdin", "--code", &code],
        Some(own),
    );
    assert_eq!(signed.code(0).json()["result"], "success");
}

#[test]
fn opening_one_link_again_and_again_keeps_its_newest_three_sessions_only() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &[]);
    let url = link_for(&clinic, &service, "alice", &[]);
    let visits: Vec<Visit> = (0..4).map(|i| Visit::new(&clinic, &format!("tab{i}"))).collect();
    let pages: Vec<Shown> = visits.iter().map(|v| v.get(&url)).collect();
    let fields = [("step", "sign-in"), ("password", PASSWORD)];
    // The oldest went when the fourth opened; the newest three each go on.
    assert_eq!(visits[0].submit(&service, &pages[0], &fields).status, 403);
    for (visit, page) in visits.iter().zip(&pages).skip(1) {
        assert!(visit.submit(&service, page, &fields).body.contains("<svg"));
    }
}

#[test]
fn a_key_rotation_keeps_the_public_url_and_the_links_already_sent() {
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let service = Service::start(&clinic, &[]);
    let sent = link_for(&clinic, &service, "alice", &[]);
    drop(service);
    clinic.ok(&["key", "rotate"], None);
    let shown = clinic.json(&["clinic", "show"], None);
    assert!(shown["settings"]["public-url"].as_str().unwrap().starts_with("http://127.0.0.1:"));
    let service = Service::start(&clinic, &[]);
    let sent = format!("{}{}", service.url, &sent[sent.find("/enrol/").unwrap()..]);
    assert_eq!(Visit::new(&clinic, "alice").get(&sent).status, 200, "a link sent before");
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn a_link_opens_while_every_sign_in_slot_waits() {
    use std::io::Write as _;
    let clinic = Clinic::new();
    clinic.add_user("alice", &[]);
    let token = crate::service::add_client(&clinic, "practice-app");
    let service = Service::start(&clinic, &["--max-concurrent", "1"]);
    let url = link_for(&clinic, &service, "alice", &[]);
    // The one sign-in slot waits on the database's write lock, held elsewhere.
    let holder = crate::service::hold_the_write_lock(&clinic);
    let body = format!("{{\"username\":\"alice\",\"password\":\"{PASSWORD}\"}}");
    let mut waiting = std::net::TcpStream::connect(("127.0.0.1", service.port())).unwrap();
    write!(
        waiting,
        "POST /v1/signin HTTP/1.1\r\nHost: clinic\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    assert_eq!(service.call("GET", "/v1/health", None, None, &[]).0, 200);
    // Opening a link takes no sign-in slot: it is answered now, not after the lock.
    assert_eq!(Visit::new(&clinic, "alice").get(&url).status, 200);
    drop(holder);
    // Had the link waited for the slot, it would have been answered only after the
    // sign-in gave up on the lock (30 s, 503): the sign-in, let go now, succeeds.
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut waiting, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
