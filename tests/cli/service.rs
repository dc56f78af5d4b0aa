//! `clinic2fa serve` and `client add | list | remove`, driven as an application drives
//! them: the real binary, called with curl (or a raw socket, for what curl will not
//! do: half a request, a connection held open).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};
use crate::security::tamper;

const STEP: i64 = 30;

/// A running `clinic2fa serve --listen 127.0.0.1:0`; killed when dropped.
pub struct Service {
    child: Child,
    /// `http://127.0.0.1:PORT`, as the service said it listens.
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
    /// The Unix socket it serves the PAM module at.
    pub socket: std::path::PathBuf,
}

impl Service {
    #[track_caller]
    pub fn start(clinic: &Clinic, extra: &[&str]) -> Service {
        Service::start_at(clinic, NOW, extra)
    }

    /// With the clock pinned at `at`.
    #[track_caller]
    pub fn start_at(clinic: &Clinic, at: i64, extra: &[&str]) -> Service {
        static SERVICES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = SERVICES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let socket = clinic.dir().join(format!("serve{n}.sock"));
        Service::start_on(clinic, at, &socket, extra)
    }

    /// On the Unix socket `socket`.
    #[track_caller]
    pub fn start_on(clinic: &Clinic, at: i64, socket: &std::path::Path, extra: &[&str]) -> Service {
        let socket = socket.to_string_lossy().into_owned();
        let mut args = vec!["serve", "--socket", &socket, "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = clinic
            .command_std(&args)
            .env("CLINIC2FA_NOW", at.to_string())
            .stdin(Stdio::null())
            .spawn()
            .expect("serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = Vec::new();
        let url = loop {
            let Some(Ok(line)) = lines.next() else {
                let status = child.wait().unwrap();
                panic!("serve did not start ({status}): {seen:?}");
            };
            if let Some(url) = line.strip_prefix("clinic2fa serve: serving the HTTP API at ") {
                break url.to_owned();
            }
            seen.push(line);
        };
        let log = Arc::new(Mutex::new(seen));
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Service { child, url, log, socket: socket.into() }
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// `POST /v1/signin` with `token` (if any) and `body`: the status and the body.
    pub fn sign_in(&self, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.call("POST", "/v1/signin", token, Some(&body.to_string()), &[])
    }

    /// curl, as an application calls the API: the status and the JSON body.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        extra: &[&str],
    ) -> (u16, Value) {
        let (status, _, body) = self.call_with_headers(method, path, token, body, extra);
        (status, body)
    }

    pub fn call_with_headers(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        extra: &[&str],
    ) -> (u16, String, Value) {
        let url = format!("{}{path}", self.url);
        let auth = token.map(|t| format!("Authorization: Bearer {t}"));
        let mut args = vec!["-sS", "--max-time", "60", "-D", "-", "-X", method, &url];
        if let Some(auth) = &auth {
            args.extend(["-H", auth]);
        }
        if body.is_some() {
            args.extend(["-H", "Content-Type: application/json", "--data-binary", "@-"]);
        }
        args.extend_from_slice(extra);
        let (status, head, body) = curl(&args, body.unwrap_or(""));
        let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
        (status, head, json)
    }

    /// What the service has written to stderr so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// SIGTERM, then its exit code.
    pub fn stop(mut self) -> Option<i32> {
        terminate(&self.child);
        self.child.wait().unwrap().code()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// curl with `args` (which include `-D -`), `stdin` on its standard input: the status,
/// the headers and the body.
pub fn curl(args: &[&str], stdin: &str) -> (u16, String, String) {
    let mut curl = std::process::Command::new("curl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("curl (apt-get install curl)");
    crate::harness::feed(&mut curl, stdin.as_bytes());
    let out = curl.wait_with_output().unwrap();
    assert!(out.status.success(), "curl: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("headers and a body");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

fn terminate(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// A client's token, from `client add NAME --json`.
pub(crate) fn add_client(clinic: &Clinic, name: &str) -> String {
    let added = clinic.json(&["client", "add", name], None);
    assert_eq!(added["name"], name.to_lowercase());
    added["token"].as_str().unwrap().to_owned()
}

/// alice enrolled, with a client `practice-app`.
fn clinic_with_alice() -> (Clinic, String, Vec<String>, String) {
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "require-2fa", "on"], None);
    clinic.add_user("alice", &[]);
    let (secret, codes) = clinic.enrol("alice");
    let token = add_client(&clinic, "practice-app");
    (clinic, secret, codes, token)
}

fn signin(username: &str, password: &str, extra: Value) -> Value {
    let mut body = json!({"username": username, "password": password});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[test]
fn client_add_list_and_remove_keep_only_a_hash_and_are_audited() {
    let clinic = Clinic::new();
    let token = add_client(&clinic, "Practice-App");
    assert!(token.starts_with("c2f_practice-app_"), "{token}");
    assert!(token.len() >= 4 + 12 + 1 + 52, "256 random bits in base32: {token}");
    let shown = clinic.ok(&["client", "add", "front-desk"], None).stdout();
    assert!(shown.contains("c2f_front-desk_") && shown.contains("only now"), "{shown}");
    assert_eq!(
        clinic.json(&["client", "list"], None),
        json!([{"name": "front-desk", "created_at": "2026-11-27T17:00:00Z"},
               {"name": "practice-app", "created_at": "2026-11-27T17:00:00Z"}])
    );
    // Only a keyed hash: the token is nowhere in the database.
    let stored = clinic.db_bytes();
    let secret = token.rsplit('_').next().unwrap();
    assert!(!stored.windows(secret.len()).any(|w| w == secret.as_bytes()));
    clinic
        .run(&["client", "add", "practice-app"], None)
        .code(1)
        .error_line(&["already a client named practice-app"]);
    clinic.run(&["client", "add", "bad name"], None).code(2).error_line(&["client name"]);
    let removed = clinic.json(&["client", "remove", "practice-app"], None);
    assert_eq!(removed, json!({"name": "practice-app", "removed": true}));
    clinic.run(&["client", "remove", "practice-app"], None).code(1).error_line(&["no client"]);
    let trail = clinic.json(&["audit"], None);
    let actions: Vec<(&str, &str)> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("client."))
        .map(|e| (e["action"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("client.add", "client practice-app"),
            ("client.add", "client front-desk"),
            ("client.remove", "client practice-app")
        ]
    );
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn a_sign_in_through_the_api_answers_and_records_as_login_does() {
    let (clinic, secret, codes, token) = clinic_with_alice();
    let at = NOW + 4 * STEP;
    let service = Service::start_at(&clinic, at, &[]);
    assert_eq!(service.call("GET", "/v1/health", None, None, &[]), (200, json!({"status": "ok"})));
    let code = totp_code(&secret, at);
    let asked = signin("alice", PASSWORD, json!({"code": code, "remote_addr": "203.0.113.9"}));
    assert_eq!(
        service.sign_in(Some(&token), &asked),
        (
            200,
            json!({"username": "alice", "result": "success", "second_factor": "totp",
                   "enrolment_required": false})
        )
    );
    // The same code again, through the API or the command line: refused.
    let (status, again) = service.sign_in(Some(&token), &asked);
    assert_eq!((status, again["reason"].clone()), (200, json!("invalid-code")));
    clinic.login_at("alice", at, &["--code", &code]).code(3);
    // Each answer the contract lists.
    let cases = [
        (signin("alice", "wrong password!", json!({"code": "123456"})), "invalid-credentials"),
        (signin("nobody", PASSWORD, json!({})), "invalid-credentials"),
        (signin("Not A Name!", PASSWORD, json!({})), "invalid-credentials"),
        (signin("alice", PASSWORD, json!({})), "code-required"),
    ];
    for (asked, reason) in cases {
        let (status, answer) = service.sign_in(Some(&token), &asked);
        assert_eq!((status, answer["result"].clone()), (200, json!("denied")), "{asked}");
        assert_eq!(answer["reason"], reason, "{asked}");
    }
    let recovery = signin("alice", PASSWORD, json!({"recovery_code": codes[0]}));
    let (_, answer) = service.sign_in(Some(&token), &recovery);
    assert_eq!(answer["second_factor"], "recovery-code");
    let (_, answer) = service.sign_in(Some(&token), &recovery);
    assert_eq!(answer["reason"], "invalid-code", "a recovery code works once");

    // The trail: the client as the actor, the person's address in the detail.
    let trail = clinic.json(&["audit", "--user", "alice"], None);
    let logins: Vec<&Value> =
        trail.as_array().unwrap().iter().filter(|e| e["action"] == "login").collect();
    assert_eq!(logins[0]["actor"], "api:practice-app");
    assert_eq!(logins[0]["detail"], "totp, device phone, from 203.0.113.9");
    assert_eq!(logins[1]["actor"], "api:practice-app");
    assert_eq!(logins[2]["actor"], "alice", "the command line's own sign-in");
    clinic.ok(&["audit", "verify"], None);
    // One line per sign-in, and never a secret in it.
    let log = service.log().join("\n");
    assert!(
        log.contains("signin alice via api:practice-app from 203.0.113.9: success (totp)"),
        "{log}"
    );
    for secret_text in [PASSWORD, code.as_str(), codes[0].as_str(), token.as_str(), secret.as_str()]
    {
        assert!(!log.contains(secret_text), "{secret_text} in {log}");
    }
    assert_eq!(service.stop(), Some(0));
}

#[test]
fn lockout_bypass_and_the_grace_behave_through_the_api_as_through_login() {
    let (clinic, _, _, token) = clinic_with_alice();
    clinic.ok(&["clinic", "set", "lockout-threshold", "3"], None);
    clinic.add_user("bob", &[]);
    clinic.ok(&["user", "grant-bypass", "bob"], None);
    let service = Service::start(&clinic, &[]);
    for _ in 0..3 {
        let (_, answer) =
            service.sign_in(Some(&token), &signin("alice", "wrong password!", json!({})));
        assert_eq!(answer["reason"], "invalid-credentials");
    }
    let (_, answer) = service.sign_in(Some(&token), &signin("alice", PASSWORD, json!({})));
    assert_eq!(answer["reason"], "locked");
    assert!(clinic.user("alice")["locked_until"].is_string());
    // The bypass: spent once, then the authenticator is required.
    let (_, answer) = service.sign_in(Some(&token), &signin("bob", PASSWORD, json!({})));
    assert_eq!(
        answer,
        json!({"username": "bob", "result": "success", "second_factor": "bypass",
               "enrolment_required": true})
    );
    let (_, answer) = service.sign_in(Some(&token), &signin("bob", PASSWORD, json!({})));
    assert_eq!(answer["reason"], "enrolment-required");
    assert_eq!(clinic.user("bob")["two_factor"]["bypass"], Value::Null);
}

#[test]
fn without_a_valid_client_token_nothing_is_tried_and_the_answer_is_401() {
    let (clinic, secret, _, token) = clinic_with_alice();
    let other = add_client(&clinic, "billing");
    let service = Service::start(&clinic, &[]);
    let asked = signin("alice", PASSWORD, json!({"code": totp_code(&secret, NOW + STEP)}));
    let forged = format!("{}{}", &token[..token.len() - 4], "aaaa");
    let moved = token.replacen("practice-app", "billing", 1);
    for bad in [None, Some("nonsense"), Some(forged.as_str()), Some(moved.as_str())] {
        let (status, answer) = service.sign_in(bad, &asked);
        assert_eq!(status, 401, "{bad:?}");
        assert!(answer["error"].as_str().unwrap().contains("client token"), "{answer}");
    }
    // The insider with the database alone: the billing client's stored hash onto
    // practice-app's row does not let billing's token in as practice-app, nor a token
    // of their own making.
    tamper(
        &clinic,
        "UPDATE clients SET token_mac = (SELECT token_mac FROM clients WHERE name = 'billing')
         WHERE name = 'practice-app'",
    );
    let as_app = other.replacen("billing", "practice-app", 1);
    assert_eq!(service.sign_in(Some(&as_app), &asked).0, 401);
    assert_eq!(service.sign_in(Some(&token), &asked).0, 401);
    // A removed client's token stops at once.
    clinic.ok(&["client", "remove", "billing"], None);
    assert_eq!(service.sign_in(Some(&other), &asked).0, 401);
    // Nothing was tried: no sign-in in the trail, no failure counted.
    let logins: i64 = clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'login'");
    assert_eq!(logins, 0);
    let failures: i64 = clinic.sql("SELECT failed_logins FROM accounts WHERE username = 'alice'");
    assert_eq!(failures, 0);
}

#[test]
fn malformed_requests_are_400_large_ones_413_and_unknown_paths_404() {
    let (clinic, _, _, token) = clinic_with_alice();
    let service = Service::start(&clinic, &[]);
    let post = |body: &str| service.call("POST", "/v1/signin", Some(&token), Some(body), &[]);
    for (body, says) in [
        ("not json", "not a sign-in request"),
        (r#"{"username": "alice"}"#, "password"),
        (r#"{"username": "alice", "password": "x", "extra": 1}"#, "extra"),
        (
            r#"{"username": "alice", "password": "x", "code": "123456", "recovery_code": "abcd-efgh-ijkl-mnop"}"#,
            "not both",
        ),
        (r#"{"username": "alice", "password": "x", "code": "12ab"}"#, "\"code\""),
        (r#"{"username": "alice", "password": "x", "recovery_code": "nope"}"#, "\"recovery_code\""),
        (r#"{"username": "alice", "password": "x", "remote_addr": "somewhere"}"#, "remote_addr"),
        (r#"{"username": "alice", "password": ""}"#, "password"),
    ] {
        let (status, answer) = post(body);
        assert_eq!(status, 400, "{body}");
        assert!(answer["error"].as_str().unwrap().contains(says), "{body}: {answer}");
    }
    let big = format!(r#"{{"username": "alice", "password": "{}"}}"#, "x".repeat(17 * 1024));
    assert_eq!(post(&big).0, 413);
    assert_eq!(service.call("GET", "/v1/signin", None, None, &[]).0, 405);
    assert_eq!(service.call("GET", "/v2/anything", None, None, &[]).0, 404);
    let logins: i64 = clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'login'");
    assert_eq!(logins, 0);
}

#[test]
fn an_address_that_keeps_failing_is_held_and_others_are_not() {
    let (clinic, secret, _, token) = clinic_with_alice();
    let service = Service::start(&clinic, &[]);
    // A sprayer: one wrong guess at each of 20 names, from one address.
    for i in 0..20 {
        let asked = signin(&format!("user{i}"), "guess", json!({"remote_addr": "198.51.100.7"}));
        assert_eq!(service.sign_in(Some(&token), &asked).1["reason"], "invalid-credentials");
    }
    let asked = signin("alice", "guess", json!({"remote_addr": "198.51.100.7"}));
    let (status, head, answer) = service.call_with_headers(
        "POST",
        "/v1/signin",
        Some(&token),
        Some(&asked.to_string()),
        &[],
    );
    assert_eq!(status, 429, "{answer}");
    assert!(head.to_lowercase().contains("retry-after: 30"), "{head}");
    assert_eq!(clinic.user("alice")["locked_until"], Value::Null, "held before trying");
    // An application asking in two steps (the password, then the code) from one
    // front desk: "code-required" is no guess, and holds nobody.
    for _ in 0..25 {
        let first = signin("alice", PASSWORD, json!({"remote_addr": "192.0.2.20"}));
        assert_eq!(service.sign_in(Some(&token), &first).1["reason"], "code-required");
    }
    // alice, from her own address, signs in.
    let code = totp_code(&secret, NOW + STEP);
    let hers = signin("alice", PASSWORD, json!({"code": code, "remote_addr": "192.0.2.10"}));
    assert_eq!(service.sign_in(Some(&token), &hers).1["result"], "success");
}

#[test]
fn sixteen_concurrent_sign_ins_with_one_code_through_two_services_let_exactly_one_in() {
    let (clinic, secret, _, token) = clinic_with_alice();
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    let at = NOW + 40 * STEP;
    let services = [Service::start_at(&clinic, at, &[]), Service::start_at(&clinic, at, &[])];
    let asked = signin("alice", PASSWORD, json!({"code": totp_code(&secret, at)}));
    let results: Vec<Value> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..16)
            .map(|i| {
                let (service, asked, token) = (&services[i % 2], &asked, &token);
                scope.spawn(move || service.sign_in(Some(token), asked).1["result"].clone())
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| *r == "success").count(), 1, "{results:?}");
    assert_eq!(results.iter().filter(|r| *r == "denied").count(), 15, "{results:?}");
    let successes: i64 =
        clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'success'");
    assert_eq!(successes, 1);
    clinic.ok(&["audit", "verify"], None);
}

#[test]
fn serve_refuses_files_others_can_read_plain_http_off_loopback_and_bad_options() {
    use std::os::unix::fs::PermissionsExt as _;
    let clinic = Clinic::new();
    let run = |args: &[&str]| clinic.run(args, None);
    let nowhere = clinic.dir().join("missing").join("s.sock").to_string_lossy().into_owned();
    run(&["serve", "--socket", &nowhere]).code(1).error_line(&[
        "cannot make the socket",
        "missing/s.sock",
        "--socket",
    ]);
    run(&["serve", "--listen", "0.0.0.0:8080"]).code(2).error_line(&["loopback", "--tls-cert"]);
    run(&["serve", "--listen", "[::]:8080"]).code(2).error_line(&["loopback"]);
    run(&["serve", "--listen", "localhost"]).code(2).error_line(&["address and port"]);
    run(&["serve", "--listen", "127.0.0.1:0", "--max-concurrent", "0"])
        .code(2)
        .error_line(&["--max-concurrent"]);
    run(&["serve", "--listen", "127.0.0.1:0", "--tls-cert", "missing.pem", "--tls-key", "k.pem"])
        .code(2)
        .error_line(&["missing.pem"]);
    let key = clinic.key_file();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    run(&["serve", "--listen", "127.0.0.1:0"]).code(1).error_line(&[
        "clinic.db.key",
        "other users",
        "chmod 600",
    ]);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    if clinic.server().is_none() {
        let db = clinic.db();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        run(&["serve", "--listen", "127.0.0.1:0"]).code(1).error_line(&["clinic.db", "chmod 600"]);
    }
}

#[test]
fn a_client_that_sends_half_a_request_and_stops_is_dropped_after_ten_seconds() {
    let (clinic, _, _, token) = clinic_with_alice();
    let service = Service::start(&clinic, &[]);
    let half_headers = "POST /v1/signin HTTP/1.1\r\nHost: clinic\r\nAuthoriz".to_owned();
    let half_body = format!(
        "POST /v1/signin HTTP/1.1\r\nHost: clinic\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"username\": \"al"
    );
    let answers: Vec<(String, Duration)> = std::thread::scope(|scope| {
        let runs: Vec<_> = [half_headers, half_body]
            .into_iter()
            .map(|sent| {
                let port = service.port();
                scope.spawn(move || {
                    let started = std::time::Instant::now();
                    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                    stream.write_all(sent.as_bytes()).unwrap();
                    let mut answer = String::new();
                    let _ = stream.read_to_string(&mut answer);
                    (answer, started.elapsed())
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for (answer, took) in &answers {
        // Dropped (closed, perhaps with a 408 first), at the deadline, not at our 30 s.
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer:?}");
        assert!(*took >= Duration::from_secs(9) && *took < Duration::from_secs(25), "{took:?}");
    }
    // And it still serves everyone else.
    assert_eq!(service.call("GET", "/v1/health", None, None, &[]).0, 200);
}

#[test]
fn sigterm_lets_the_sign_ins_in_flight_finish_then_exits_0() {
    let (clinic, secret, _, token) = clinic_with_alice();
    let service = Service::start(&clinic, &["--max-concurrent", "1"]);
    // The clinic's database held by someone else: the sign-ins queue behind it.
    let holder = hold_the_write_lock(&clinic);
    let code = totp_code(&secret, NOW + STEP);
    let bodies: Vec<String> = [
        signin("alice", PASSWORD, json!({"code": code})),
        signin("alice", "wrong password!", json!({})),
        signin("nobody", PASSWORD, json!({})),
    ]
    .iter()
    .map(Value::to_string)
    .collect();
    let mut streams: Vec<TcpStream> = bodies
        .iter()
        .map(|body| {
            let mut stream = TcpStream::connect(("127.0.0.1", service.port())).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            let request = format!(
                "POST /v1/signin HTTP/1.1\r\nHost: clinic\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).unwrap();
            stream
        })
        .collect();
    // Connections are accepted in the order they came: once a later one is answered,
    // these three are being served.
    assert_eq!(service.call("GET", "/v1/health", None, None, &[]).0, 200);
    terminate(&service.child);
    drop(holder);
    let results: Vec<String> = streams
        .iter_mut()
        .map(|stream| {
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
            let body = answer.split_once("\r\n\r\n").unwrap().1;
            serde_json::from_str::<Value>(body).unwrap()["result"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(results, ["success", "denied", "denied"]);
    let mut service = service;
    assert_eq!(service.child.wait().unwrap().code(), Some(0));
    let log = service.log().join("\n");
    assert!(log.contains("stopping") && log.contains("stopped"), "{log}");
}

/// Another process's write transaction on the clinic's database, until dropped.
pub(crate) fn hold_the_write_lock(clinic: &Clinic) -> Box<dyn std::any::Any> {
    match clinic.server() {
        None => {
            let conn = rusqlite::Connection::open(clinic.db()).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            Box::new(conn)
        }
        Some(db) => {
            let mut client = db.client();
            client.batch_execute("BEGIN; SELECT id FROM clinic WHERE id = 1 FOR UPDATE").unwrap();
            Box::new(client)
        }
    }
}

/// A certificate authority of the test's own and a server certificate for 127.0.0.1
/// signed by it (openssl, as an admin would make one): the CA's path.
fn certificate(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl (apt-get install openssl)");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let (ca_key, ca) = (format!("{name}-ca.key"), format!("{name}-ca.pem"));
    run(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test CA"]
        .iter()
        .copied()
        .chain(["-keyout", &ca_key, "-out", &ca])
        .collect::<Vec<_>>());
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run(&["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout"]
        .iter()
        .copied()
        .chain([format!("{name}.key").as_str(), "-out", "server.csr"])
        .collect::<Vec<_>>());
    run(&["x509", "-req", "-in", "server.csr", "-CA", &ca, "-CAkey", &ca_key, "-CAcreateserial"]
        .iter()
        .copied()
        .chain(["-days", "2", "-extfile", "san.ext", "-out", &format!("{name}.pem")])
        .collect::<Vec<_>>());
    dir.join(ca)
}

#[test]
fn with_tls_it_serves_https_on_any_address_and_sighup_reads_a_new_certificate() {
    let (clinic, _, _, token) = clinic_with_alice();
    let dir = clinic.dir();
    let first_ca = certificate(dir, "first");
    std::fs::copy(dir.join("first.pem"), dir.join("server.pem")).unwrap();
    std::fs::copy(dir.join("first.key"), dir.join("server.key")).unwrap();
    let tls = ["--tls-cert", "server.pem", "--tls-key", "server.key"];
    let service = Service::start(&clinic, &tls);
    assert!(service.url.starts_with("https://127.0.0.1:"), "{}", service.url);
    let ca = first_ca.to_string_lossy().into_owned();
    let health = service.call("GET", "/v1/health", None, None, &["--cacert", &ca]);
    assert_eq!(health, (200, json!({"status": "ok"})));
    let asked = signin("alice", "wrong password!", json!({}));
    let (status, answer) = service.call(
        "POST",
        "/v1/signin",
        Some(&token),
        Some(&asked.to_string()),
        &["--cacert", &ca],
    );
    assert_eq!((status, answer["reason"].clone()), (200, json!("invalid-credentials")));
    // Plain HTTP to the TLS port is no sign-in.
    let plain = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "10", &service.url.replace("https", "http")])
        .output()
        .unwrap();
    assert!(!plain.status.success());

    // A renewed certificate from another authority: read on SIGHUP, no restart.
    let second_ca = certificate(dir, "second");
    std::fs::copy(dir.join("second.pem"), dir.join("server.pem")).unwrap();
    std::fs::copy(dir.join("second.key"), dir.join("server.key")).unwrap();
    let status = std::process::Command::new("kill")
        .args(["-HUP", &service.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    wait_for_log(&service, "reloaded the TLS certificate");
    let ca = second_ca.to_string_lossy().into_owned();
    assert_eq!(service.call("GET", "/v1/health", None, None, &["--cacert", &ca]).0, 200);
    assert_eq!(service.stop(), Some(0));

    // With TLS, an address off loopback is allowed.
    let mut anywhere = clinic
        .command_std(&[
            "serve",
            "--socket",
            "anywhere.sock",
            "--listen",
            "0.0.0.0:0",
            "--tls-cert",
            "server.pem",
            "--tls-key",
            "server.key",
        ])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(anywhere.stderr.take().unwrap()).lines();
    let first = lines.nth(1).unwrap().unwrap();
    assert!(first.contains("serving the HTTP API at https://0.0.0.0:"), "{first}");
    terminate(&anywhere);
    assert_eq!(anywhere.wait().unwrap().code(), Some(0));
}

/// Waits (up to a minute) for the service to log a line containing `text`.
fn wait_for_log(service: &Service, text: &str) {
    for _ in 0..600 {
        if service.log().iter().any(|l| l.contains(text)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the service never logged {text:?}: {:?}", service.log());
}

#[test]
fn two_hundred_connections_at_once_are_all_answered() {
    let (clinic, secret, _, token) = clinic_with_alice();
    let service = Service::start(&clinic, &[]);
    let port = service.port();
    let mut open: Vec<TcpStream> = (0..200)
        .map(|_| {
            let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
            stream
        })
        .collect();
    // With 200 connections open and idle, a sign-in goes through.
    let code = totp_code(&secret, NOW + STEP);
    let asked = signin("alice", PASSWORD, json!({"code": code}));
    assert_eq!(service.sign_in(Some(&token), &asked).1["result"], "success");
    // Then all 200 ask at once: each gets an answer, the sign-in's or "busy".
    for stream in &mut open {
        let body = signin("nobody", "a guess", json!({})).to_string();
        let request = format!(
            "POST /v1/signin HTTP/1.1\r\nHost: clinic\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
    }
    let mut statuses = std::collections::BTreeMap::new();
    for stream in &mut open {
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer.split(' ').nth(1).unwrap_or("none").to_owned();
        if status == "429" {
            assert!(answer.to_lowercase().contains("retry-after: "), "{answer}");
        }
        *statuses.entry(status).or_insert(0) += 1;
    }
    let answered: i32 =
        statuses.iter().filter(|(s, _)| *s == "200" || *s == "429").map(|(_, n)| n).sum();
    assert_eq!(answered, 200, "{statuses:?}");
    assert!(statuses.get("200").copied().unwrap_or(0) > 0, "{statuses:?}");
    assert_eq!(service.call("GET", "/v1/health", None, None, &[]).0, 200);
}

#[test]
fn a_database_that_goes_away_is_503_and_when_it_is_back_200_without_a_restart() {
    // On PostgreSQL (the suite's second run): a server can go away under a service.
    if crate::harness::engine() != crate::harness::Engine::Postgres {
        return;
    }
    let (clinic, secret, _, token) = clinic_with_alice();
    let server_db = clinic.server().unwrap().clone();
    let service = Service::start(&clinic, &[]);
    assert_eq!(service.call("GET", "/v1/health", None, None, &[]).0, 200);
    // The server refuses the clinic's database and drops its connections.
    server_db.execute_outside(&format!(
        "ALTER DATABASE {0} ALLOW_CONNECTIONS false;
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = '{0}' AND pid <> pg_backend_pid()",
        server_db.name()
    ));
    assert_eq!(
        service.call("GET", "/v1/health", None, None, &[]),
        (503, json!({"status": "unavailable"}))
    );
    let asked = signin("alice", PASSWORD, json!({"code": totp_code(&secret, NOW + STEP)}));
    let (status, answer) = service.sign_in(Some(&token), &asked);
    assert_eq!(status, 503, "{answer}");
    // Back: the same service answers again.
    server_db
        .execute_outside(&format!("ALTER DATABASE {} ALLOW_CONNECTIONS true", server_db.name()));
    assert_eq!(service.call("GET", "/v1/health", None, None, &[]).0, 200);
    assert_eq!(service.sign_in(Some(&token), &asked).1["result"], "success");
    assert_eq!(service.stop(), Some(0));
}

/// One request on a kept-alive connection: the status and the body.
fn post_on(stream: &mut TcpStream, token: &str, body: &str) -> (u16, String) {
    let request = format!(
        "POST /v1/signin HTTP/1.1\r\nHost: clinic\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    (status, String::from_utf8(body).unwrap())
}

/// The service's peak and current resident memory, in KiB (Linux's `VmHWM`, `VmRSS`).
fn memory_kib(service: &Service) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{}/status", service.child.id())).unwrap();
    let field = |name: &str| -> u64 {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[test]
fn a_thousand_sign_ins_in_a_row_stay_within_the_memory_bound() {
    // Memory, not time: the bound is max-concurrent × 20 MiB + 40 MiB whatever the
    // machine's speed. (10,000 in a row are in bench/service.sh.)
    if crate::harness::engine() == crate::harness::Engine::Postgres {
        return;
    }
    let (clinic, _, _, token) = clinic_with_alice();
    clinic.add_user("desk", &["--2fa", "exempt"]);
    let service = Service::start(&clinic, &["--max-concurrent", "2"]);
    let run = |count: usize| {
        std::thread::scope(|scope| {
            for client in 0..4 {
                let (token, port) = (&token, service.port());
                scope.spawn(move || {
                    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                    for i in 0..count / 4 {
                        // Whole sign-ins of an exempt account: an argon2 check,
                        // a transaction and an audit entry each.
                        let body = signin("desk", PASSWORD, json!({}));
                        let (status, answer) = post_on(&mut stream, token, &body.to_string());
                        assert_eq!(status, 200, "{client}/{i}: {answer}");
                        assert!(answer.contains("success"), "{answer}");
                    }
                });
            }
        });
    };
    run(200);
    let (_, warm) = memory_kib(&service);
    run(800);
    let (peak, after) = memory_kib(&service);
    let bound = 2 * 20 * 1024 + 40 * 1024;
    assert!(peak <= bound, "peak {peak} KiB over {bound} KiB");
    assert!(after <= warm + 4 * 1024, "grew from {warm} KiB to {after} KiB");
}

#[test]
fn every_worker_sees_a_change_another_process_made_at_once() {
    // Each worker holds a connection open; opening one must not drop the file locks
    // by which the others tell other processes the file is in use (a process closing
    // its connection would otherwise reset the write-ahead log under them, and they
    // would go on reading what was there before).
    let (clinic, _, _, token) = clinic_with_alice();
    let other = add_client(&clinic, "billing");
    let service = Service::start(&clinic, &["--max-concurrent", "4"]);
    // Wrong guesses for names nobody has: each a whole sign-in, none held by a limit.
    let count = std::sync::atomic::AtomicUsize::new(0);
    let asked = || {
        let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        signin(&format!("nobody{n}"), "wrong password!", json!({}))
    };
    // Every worker opens its connection: several at once.
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| assert_eq!(service.sign_in(Some(&other), &asked()).0, 200));
        }
    });
    // Another process changes the file (an insider's sqlite3, then an admin's command).
    tamper(&clinic, "UPDATE clients SET created_at = created_at + 1 WHERE name = 'practice-app'");
    for _ in 0..4 {
        assert_eq!(service.sign_in(Some(&other), &asked()).0, 200);
    }
    clinic.ok(&["client", "remove", "billing"], None);
    for _ in 0..12 {
        assert_eq!(service.sign_in(Some(&other), &asked()).0, 401, "a worker read the old file");
    }
    assert_eq!(service.sign_in(Some(&token), &asked()).0, 200);
}

#[test]
fn the_example_client_signs_a_person_in_and_says_when_it_did_not() {
    let (clinic, secret, _, token) = clinic_with_alice();
    let service = Service::start(&clinic, &[]);
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/signin.py");
    let run = |args: &[&str], password: &str| {
        let mut child = std::process::Command::new("python3")
            .arg(example)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CLINIC2FA_URL", &service.url)
            .env("CLINIC2FA_TOKEN", &token)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3");
        crate::harness::feed(&mut child, format!("{password}\n").as_bytes());
        let out = child.wait_with_output().unwrap();
        let answer: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), answer)
    };
    let code = totp_code(&secret, NOW + STEP);
    let (status, answer) = run(&["alice", &code], PASSWORD);
    assert_eq!((status, answer["second_factor"].clone()), (Some(0), json!("totp")));
    let (status, answer) = run(&["alice"], PASSWORD);
    assert_eq!((status, answer["reason"].clone()), (Some(1), json!("code-required")));
}

#[test]
fn the_shipped_unit_runs_the_service_as_its_own_user_hardened() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dist");
    let unit = std::fs::read_to_string(dist.join("clinic2fa.service")).unwrap();
    for line in [
        "User=clinic2fa",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "StateDirectoryMode=0700",
        "RuntimeDirectoryMode=0755",
        "UMask=0077",
        "CapabilityBoundingSet=",
        "KillSignal=SIGTERM",
        "ExecReload=/bin/kill -HUP $MAINPID",
    ] {
        assert!(unit.lines().any(|l| l == line), "the unit lacks {line}");
    }
    // Its command line is one this binary takes: on a database that is not there, it
    // says so (exit 1), not that the arguments are wrong (exit 2).
    let exec = unit.lines().find_map(|l| l.strip_prefix("ExecStart=")).unwrap();
    let args: Vec<&str> = exec.split_whitespace().skip(1).collect();
    assert_eq!(args[0], "serve");
    let clinic = Clinic::uninitialised();
    clinic.run(&args, None).code(1).error_line(&["no clinic2fa database", "clinic2fa init"]);
    let sysusers = std::fs::read_to_string(dist.join("clinic2fa.sysusers")).unwrap();
    assert!(sysusers.lines().any(|l| l.starts_with("u clinic2fa ")), "{sysusers}");
    let tmpfiles = std::fs::read_to_string(dist.join("clinic2fa.tmpfiles")).unwrap();
    assert!(tmpfiles.contains("d /var/lib/clinic2fa 0700 clinic2fa clinic2fa"), "{tmpfiles}");
}

#[test]
fn one_code_offered_at_once_through_the_service_and_the_command_line_lets_one_in() {
    let (clinic, secret, _, token) = clinic_with_alice();
    clinic.ok(&["clinic", "set", "lockout-threshold", "100"], None);
    let at = NOW + 60 * STEP;
    let service = Service::start_at(&clinic, at, &[]);
    let code = totp_code(&secret, at);
    let asked = signin("alice", PASSWORD, json!({"code": code}));
    let successes: usize = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..16)
            .map(|i| {
                let (service, asked, token, clinic, code) =
                    (&service, &asked, &token, &clinic, &code);
                scope.spawn(move || {
                    if i % 2 == 0 {
                        service.sign_in(Some(token), asked).1["result"] == "success"
                    } else {
                        clinic.login_at("alice", at, &["--code", code]).0.status.code() == Some(0)
                    }
                })
            })
            .collect();
        runs.into_iter().map(|r| usize::from(r.join().unwrap())).sum()
    });
    assert_eq!(successes, 1);
    let logged: i64 =
        clinic.sql("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'success'");
    assert_eq!(logged, 1);
}
