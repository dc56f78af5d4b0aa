//! The enrolment page in a real browser: Debian's headless Chromium, driven over the
//! WebDriver protocol (chromedriver, spoken to with curl), with JavaScript turned off
//! as the page must work without it. The QR code is read off a screenshot with zbarimg,
//! as a phone would read it off the screen, and confirmed with the code it gives.
//!
//! `UPDATE_SCREENSHOTS=1` writes the screenshots the README shows into `docs/`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Clinic, NOW, PASSWORD, totp_code};
use crate::page::link_for;
use crate::service::Service;

/// chromedriver on a loopback port, and one browser session of it.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// `None` (the test is skipped, except under CI) without chromium and chromedriver.
    /// A window of `width`×`height` CSS pixels.
    fn start(width: u32, height: u32) -> Option<Browser> {
        let (chromium, driver) = ("/usr/bin/chromium", "/usr/bin/chromedriver");
        if !std::path::Path::new(chromium).exists() || !std::path::Path::new(driver).exists() {
            crate::harness::skip(
                "skipped the browser tests: apt-get install chromium chromium-driver zbar-tools",
                "CI must run the browser tests: .ci/run installs chromium and chromium-driver",
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while call("GET", &format!("{base}/status"), None)
            .is_none_or(|s| s["value"]["ready"] != true)
        {
            assert!(Instant::now() < deadline, "chromedriver did not get ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                // The page must work with JavaScript off: it is off.
                "prefs": {"profile.managed_default_content_settings.javascript": 2},
            },
        }}});
        let made = call("POST", &format!("{base}/session"), Some(&capabilities))
            .expect("a browser session");
        let session = made["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {made}"))
            .to_owned();
        let browser = Browser { driver, base, session, _profile: profile };
        // A window has a minimum width: the page's viewport is set as a phone's is.
        browser.command(
            "POST",
            "/goog/cdp/execute",
            Some(&json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false,
            }})),
        );
        Some(browser)
    }

    fn at(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    fn command(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let answer = call(method, &self.at(path), body).expect("chromedriver answers");
        assert!(answer["value"].get("error").is_none(), "{method} {path}: {answer}");
        answer["value"].clone()
    }

    fn open(&self, url: &str) {
        self.command("POST", "/url", Some(&json!({"url": url})));
    }

    fn element(&self, css: &str) -> String {
        let found =
            self.command("POST", "/element", Some(&json!({"using": "css selector", "value": css})));
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_owned()
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.command("POST", &format!("/element/{id}/value"), Some(&json!({"text": text})));
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.command("POST", &format!("/element/{id}/click"), Some(&json!({})));
    }

    /// Waits until the page shows `text`: a click on a form's button returns before
    /// the browser has the answer (the password is hashed meanwhile).
    #[track_caller]
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let source = self.source();
            if source.contains(text) {
                return source;
            }
            assert!(Instant::now() < deadline, "waiting for {text:?}: {source}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn source(&self) -> String {
        self.command("GET", "/source", None).as_str().unwrap().to_owned()
    }

    /// A screenshot of the window, as PNG, written to `path`.
    fn screenshot(&self, path: &std::path::Path) {
        let encoded = self.command("GET", "/screenshot", None);
        let mut decode = Command::new("base64")
            .args(["-d"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        crate::harness::feed(&mut decode, encoded.as_str().unwrap().as_bytes());
        let png = decode.wait_with_output().unwrap();
        assert!(png.status.success());
        std::fs::write(path, png.stdout).unwrap();
    }

    /// The widest the page's content is, in CSS pixels (read from the accessibility
    /// of layout: the element's rectangle, which WebDriver gives without page scripts).
    fn content_width(&self, css: &str) -> f64 {
        let id = self.element(css);
        let rect = self.command("GET", &format!("/element/{id}/rect"), None);
        rect["x"].as_f64().unwrap() + rect["width"].as_f64().unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = call("DELETE", &self.at(""), None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One WebDriver call with curl: the JSON answer, or `None` when nothing answered.
fn call(method: &str, url: &str, body: Option<&Value>) -> Option<Value> {
    let mut args = vec!["-sS", "--max-time", "60", "-X", method, url];
    let body = body.map(Value::to_string);
    if let Some(body) = &body {
        args.extend(["-H", "Content-Type: application/json", "--data-binary", body]);
    }
    let out = Command::new("curl").args(&args).output().expect("curl");
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

/// What zbarimg reads off a picture: the QR code's text.
fn read_qr(png: &std::path::Path) -> String {
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(png)
        .output()
        .expect("zbarimg (apt-get install zbar-tools)");
    assert!(out.status.success(), "no QR code read off {}", png.display());
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Where the README's screenshots are kept.
fn docs(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("UPDATE_SCREENSHOTS")
        .map(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name))
}

#[test]
fn in_a_browser_without_javascript_the_qr_code_scans_off_the_screen_and_confirms() {
    let Some(browser) = Browser::start(800, 900) else { return };
    let clinic = Clinic::new();
    clinic.ok(&["clinic", "set-name", "Sunny Vale Clinic"], None);
    clinic.add_user("alice", &["--name", "Alice Smith"]);
    let service = Service::start(&clinic, &[]);
    let url = link_for(&clinic, &service, "alice", &[]);

    browser.open(&url);
    browser.wait_for("Alice Smith (alice), this page sets up two-factor sign-in");
    if let Some(path) = docs("enrol-page-sign-in.png") {
        browser.screenshot(&path);
    }
    // A wrong password first: said on the page, counted.
    browser.type_into("#password", "not my password");
    browser.click("button[type=submit]");
    browser.wait_for("password is not right");
    browser.type_into("#password", PASSWORD);
    browser.click("button[type=submit]");
    browser.wait_for("Scan the QR code");

    let shot = clinic.dir().join("set-up.png");
    browser.screenshot(&shot);
    if let Some(path) = docs("enrol-page.png") {
        std::fs::copy(&shot, path).unwrap();
    }
    let uri = read_qr(&shot);
    assert!(uri.starts_with("otpauth://totp/Sunny%20Vale%20Clinic:alice?"), "{uri}");
    let secret = uri.split("secret=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    browser.type_into("#code", &totp_code(&secret, NOW));
    browser.click("button[type=submit]");
    let done = browser.wait_for("Two-factor sign-in is set up");
    assert_eq!(done.matches("<li>").count(), 10);
    clinic.login_at("alice", NOW + 60, &["--code", &totp_code(&secret, NOW + 60)]).code(0);

    // Spent: the same link again is one page saying so.
    browser.open(&url);
    browser.wait_for("used already");
}

#[test]
fn at_320_css_pixels_wide_the_page_fits_and_the_qr_code_still_scans() {
    // 320 CSS pixels: a small phone, or a 640-pixel window at 200 % zoom.
    let Some(browser) = Browser::start(320, 1400) else { return };
    let clinic = Clinic::new();
    clinic.add_user("bob", &[]);
    let service = Service::start(&clinic, &[]);
    let url = link_for(&clinic, &service, "bob", &[]);
    browser.open(&url);
    browser.wait_for("First, sign in");
    browser.type_into("#password", PASSWORD);
    browser.click("button[type=submit]");
    browser.wait_for("Scan the QR code");
    // Nothing wider than the window: no sideways scrolling at 320 CSS pixels.
    for css in ["main", ".qr svg", ".key", "#code", "button[type=submit]"] {
        let right = browser.content_width(css);
        assert!(right <= 320.0, "{css} reaches {right} px of 320");
    }
    let shot = clinic.dir().join("narrow.png");
    browser.screenshot(&shot);
    if let Some(path) = docs("enrol-page-320.png") {
        std::fs::copy(&shot, path).unwrap();
    }
    assert!(read_qr(&shot).starts_with("otpauth://totp/"));
}
