//! A clinic on a PostgreSQL server: the URL, the password as libpq finds it, TLS,
//! and what the server's errors mean for the person at the keyboard.
//!
//! The `postgres` crate is synchronous like rusqlite, so the store stays one
//! synchronous piece of code over both engines. It reads neither `sslmode=verify-full`
//! nor `PGPASSWORD` and `~/.pgpass`; those are read here, as libpq reads them.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::Error;

/// How far the server's certificate is trusted: libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    /// TLS when the server offers it (libpq's default); not verified.
    Prefer,
    /// TLS or nothing; not verified (as in libpq without a root certificate).
    Require,
    /// TLS, the certificate chained to a trusted root.
    VerifyCa,
    /// TLS, the certificate chained to a trusted root and naming the host.
    VerifyFull,
}

/// A PostgreSQL database named by a `postgres://` or `postgresql://` URL.
#[derive(Clone)]
pub struct Target {
    config: postgres::Config,
    ssl: SslMode,
    /// `sslrootcert=PATH`: the roots to trust instead of the system's.
    root_cert: Option<PathBuf>,
    /// `pool_mode=transaction`: a pooler (PgBouncer in transaction mode) may give each
    /// transaction another server connection, where a statement prepared on the last
    /// one does not exist: every statement is sent unnamed, in one round trip.
    pub unnamed_statements: bool,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self})")
    }
}

/// Whether `text` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

impl Target {
    /// Reads a URL, filling in what libpq would (user, host, password); a URL that
    /// cannot be read is a usage error naming the part that is wrong.
    pub fn parse(url: &str) -> Result<Target, Error> {
        let usage = |what: String| {
            Error::Usage(format!(
                "{what} in the database URL: write it as postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full"
            ))
        };
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        // An unencoded `@`, `/` or `?` in the password would move the rest of it into
        // the host or database name, and so into messages: refused, echoing nothing.
        let after_scheme = base.split_once("://").map_or(base, |(_, r)| r);
        let ats = after_scheme.matches('@').count();
        let slash = after_scheme.find('/').unwrap_or(after_scheme.len());
        if ats > 1 || after_scheme.find('@').is_some_and(|at| at > slash) {
            return Err(usage(
                "an unencoded @ or / in the user name or password".to_owned()
                    + " (percent-encode them: @ is %40, / is %2F)",
            ));
        }
        let (mut ssl, mut root_cert, mut kept) = (SslMode::Prefer, None, Vec::new());
        let mut unnamed_statements = false;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => {
                    ssl = match value {
                        "disable" => SslMode::Disable,
                        "allow" | "prefer" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-ca" => SslMode::VerifyCa,
                        "verify-full" => SslMode::VerifyFull,
                        other => {
                            return Err(usage(format!(
                                "sslmode={other:?} is not one of disable, prefer, require, verify-ca, verify-full"
                            )));
                        }
                    }
                }
                "pool_mode" => match value {
                    "transaction" => unnamed_statements = true,
                    "session" => unnamed_statements = false,
                    other => {
                        return Err(usage(format!(
                            "pool_mode={other:?} is not one of session, transaction (as the pooler in front of the server pools)"
                        )));
                    }
                },
                "sslrootcert" if value != "system" => root_cert = Some(PathBuf::from(value)),
                "sslrootcert" => {}
                _ => kept.push(pair),
            }
        }
        let rest =
            if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
        let mut config = postgres::Config::from_str(&rest)
            .map_err(|e| usage(format!("{} ({e})", redact(url))))?;
        config.ssl_mode(match ssl {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        if config.get_user().is_none() {
            let user = std::env::var("PGUSER").ok().filter(|u| !u.is_empty()).or_else(os_user);
            if let Some(user) = user {
                config.user(&user);
            }
        }
        if config.get_hosts().is_empty() {
            // libpq's default: the local server's socket.
            config.host_path("/var/run/postgresql");
        }
        if config.get_dbname().is_none()
            && let Some(user) = config.get_user().map(str::to_owned)
        {
            config.dbname(&user);
        }
        if config.get_password().is_none()
            && let Some(password) = password_from_environment(&config)
        {
            config.password(password);
        }
        config.application_name("clinic2fa");
        Ok(Target { config, ssl, root_cert, unnamed_statements })
    }

    pub fn database(&self) -> &str {
        self.config.get_dbname().unwrap_or("")
    }

    /// Where the server is, for a key file's default name and for messages.
    fn host(&self) -> String {
        match self.config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        }
    }

    fn port(&self) -> u16 {
        self.config.get_ports().first().copied().unwrap_or(5432)
    }

    /// The default key file's name before clinic ids (schema 16): one per spelling of
    /// the server's address and the database's name. Still looked for, so that a
    /// clinic made before then finds its key.
    pub fn key_file_name(&self) -> String {
        let clean = |s: &str| -> String {
            s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect()
        };
        format!(
            "postgres-{}-{}-{}.key",
            clean(self.host().trim_start_matches('/')),
            self.port(),
            clean(self.database())
        )
    }

    /// Connects, over TLS as the URL asks. As in libpq, a connection through the
    /// local server's socket never uses TLS: there is no network to protect.
    pub fn connect(&self) -> anyhow::Result<postgres::Client> {
        let local =
            self.config.get_hosts().iter().all(|h| matches!(h, postgres::config::Host::Unix(_)));
        let connected = match self.ssl {
            _ if local => {
                let mut plain = self.config.clone();
                plain.ssl_mode(postgres::config::SslMode::Disable);
                plain.connect(postgres::NoTls)
            }
            SslMode::Disable => self.config.connect(postgres::NoTls),
            mode => {
                let tls = tls_config(mode, self.root_cert.as_ref())?;
                self.config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
            }
        };
        connected.map_err(|e| connect_error(self, &e).into())
    }
}

/// The URL as it may be shown: never the password.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let user = self.config.get_user().unwrap_or("");
        write!(f, "postgres://{user}@{}:{}/{}", self.host(), self.port(), self.database())
    }
}

/// `url` for a message, with no part of its user-info: a password may hold an
/// unencoded `@`, `/` or `?`, so everything up to the last `@` goes, whatever it is.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    match rest.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://***@{host}"),
        None => url.to_owned(),
    }
}

fn os_user() -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::geteuid()).ok().flatten().map(|u| u.name)
}

/// `PGPASSWORD`, else the first matching line of `PGPASSFILE` or `~/.pgpass` (which,
/// as libpq insists, others may not read).
fn password_from_environment(config: &postgres::Config) -> Option<String> {
    if let Some(password) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
        return Some(password);
    }
    let file = pgpass_file()?;
    if std::fs::metadata(&file).is_err() || pgpass_skipped().is_some() {
        return None;
    }
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(&file).ok()?);
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        // libpq matches a socket connection against "localhost".
        _ => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let wanted =
        [host.as_str(), &port, config.get_dbname().unwrap_or(""), config.get_user().unwrap_or("")];
    text.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let fields = pgpass_fields(line);
        (fields.len() == 5
            && fields[..4].iter().zip(wanted).all(|(field, want)| field == "*" || field == want))
        .then(|| fields[4].clone())
    })
}

/// `PGPASSFILE`, else `~/.pgpass`.
fn pgpass_file() -> Option<PathBuf> {
    std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")))
}

/// The password file, when there is one that is skipped because others may read it
/// (libpq's rule): messages about a missing or refused password name it.
fn pgpass_skipped() -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let file = pgpass_file()?;
    let mode = std::fs::metadata(&file).ok()?.permissions().mode();
    (mode & 0o077 != 0).then_some(file)
}

/// What a message about the password adds when a password file was skipped.
fn pgpass_note() -> String {
    pgpass_skipped().map_or_else(String::new, |file| {
        format!(
            "; {} was found and skipped, since others may read it: `chmod 600 {}`",
            file.display(),
            file.display()
        )
    })
}

/// A `.pgpass` line's fields: `:` separates, `\` escapes `:` and `\`.
fn pgpass_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut chars) = (Vec::new(), String::new(), line.chars());
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

fn tls_config(mode: SslMode, root_cert: Option<&PathBuf>) -> anyhow::Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    if matches!(mode, SslMode::Prefer | SslMode::Require) {
        let verifier = Arc::new(unverified::Encrypted(provider));
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth());
    }
    let mut roots = rustls::RootCertStore::empty();
    match root_cert {
        Some(path) => {
            use rustls::pki_types::{CertificateDer, pem::PemObject};
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| {
                    Error::Usage(format!(
                        "could not read the root certificates in {} (sslrootcert in the database URL): {e}",
                        path.display()
                    ))
                })?;
            roots.add_parsable_certificates(certs);
        }
        None => {
            // The system's store; SSL_CERT_FILE or SSL_CERT_DIR name another.
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
    }
    if roots.is_empty() {
        return Err(Error::Usage(
            "no trusted root certificates were found to verify the PostgreSQL server (sslmode=verify-ca/verify-full): install ca-certificates, or name a file with sslrootcert=PATH in the URL".into(),
        )
        .into());
    }
    let webpki =
        rustls::client::WebPkiServerVerifier::builder_with_provider(roots.into(), provider)
            .build()?;
    if mode == SslMode::VerifyCa {
        let verifier = Arc::new(unverified::AnyName(webpki));
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth());
    }
    Ok(builder.with_webpki_verifier(webpki).with_no_client_auth())
}

/// The two weaker trusts libpq offers: encrypted but unverified (`require`), and
/// verified without the host name (`verify-ca`). The handshake's signatures are still
/// checked, so the connection is to whoever holds the certificate's key.
mod unverified {
    use std::sync::Arc;

    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

    #[derive(Debug)]
    pub struct Encrypted(pub Arc<CryptoProvider>);

    #[derive(Debug)]
    pub struct AnyName(pub Arc<WebPkiServerVerifier>);

    impl ServerCertVerifier for Encrypted {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            Ok(ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            let algorithms = &self.0.signature_verification_algorithms;
            rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            let algorithms = &self.0.signature_verification_algorithms;
            rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }

    impl ServerCertVerifier for AnyName {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            name: &ServerName<'_>,
            ocsp: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            match self.0.verify_server_cert(end_entity, intermediates, name, ocsp, now) {
                Err(Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }
}

/// A failed connection, said plainly: which server, and what to check.
fn connect_error(target: &Target, e: &postgres::Error) -> Error {
    use postgres::error::SqlState;
    let db = e.as_db_error();
    let why = match db.map(|d| d.code()) {
        Some(c)
            if *c == SqlState::INVALID_PASSWORD
                || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
        {
            format!(
                "the server refused the sign-in of user {:?}: check the password (in the URL, PGPASSWORD or ~/.pgpass) and the server's pg_hba.conf{}",
                target.config.get_user().unwrap_or(""),
                pgpass_note()
            )
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => format!(
            "the server has no database {:?}: create it (`createdb {}`), then run `clinic2fa init`",
            target.database(),
            target.database()
        ),
        // The server is starting up or shutting down, has no connection to spare, or
        // the database is closed to connections for now: it may take us shortly.
        Some(c)
            if *c == SqlState::CANNOT_CONNECT_NOW
                || *c == SqlState::TOO_MANY_CONNECTIONS
                || *c == SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE =>
        {
            return Error::Unavailable(format!(
                "could not connect to the PostgreSQL database {target}: {}; try again once the server is up",
                db.map_or("", |d| d.message())
            ));
        }
        _ => match db {
            Some(d) => d.message().to_owned(),
            None if source_text(e) == "password missing" => format!(
                "the server wants a password for user {:?} and none was found: give it in the URL, PGPASSWORD or ~/.pgpass (which only its owner may read){}",
                target.config.get_user().unwrap_or(""),
                pgpass_note()
            ),
            // No answer from a server at all (refused, unreachable, timed out).
            None => {
                return Error::Unavailable(format!(
                    "could not connect to the PostgreSQL database {target}: {}",
                    source_text(e)
                ));
            }
        },
    };
    Error::Database(format!("could not connect to the PostgreSQL database {target}: {why}"))
}

/// The innermost cause of a client error ("Connection refused", a certificate problem).
fn source_text(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cause {
        text = c.to_string();
        cause = c.source();
    }
    text
}

/// Whether PostgreSQL asks for the transaction to be tried again.
pub fn is_retryable(err: &anyhow::Error) -> bool {
    use postgres::error::SqlState;
    err.chain().any(|c| {
        c.downcast_ref::<postgres::Error>().and_then(postgres::Error::code).is_some_and(|code| {
            *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
        })
    })
}

/// What a PostgreSQL failure means for the person, and what to do; anything not
/// recognised passes through unchanged.
pub fn storage_error(target: &Target, err: anyhow::Error) -> anyhow::Error {
    use postgres::error::SqlState;
    let Some(pg) = err.chain().find_map(|c| c.downcast_ref::<postgres::Error>()) else {
        return err;
    };
    let message = match pg.code() {
        Some(c) if *c == SqlState::READ_ONLY_SQL_TRANSACTION || *c == SqlState::INSUFFICIENT_PRIVILEGE => format!(
            "the PostgreSQL database {target} cannot be written by this user ({}): grant it the rights, or connect as its owner (nothing was changed)",
            pg.as_db_error().map_or("", |d| d.message())
        ),
        // A statement prepared on one server connection, used on another: a pooler
        // handing out connections per transaction.
        Some(c) if *c == SqlState::DUPLICATE_PSTATEMENT || *c == SqlState::INVALID_SQL_STATEMENT_NAME => format!(
            "the PostgreSQL database {target} is behind a pooler in transaction mode (prepared statement error: {}): add pool_mode=transaction to the URL, or pool clinic2fa's database in session mode (nothing was changed)",
            pg.as_db_error().map_or("", |d| d.message())
        ),
        Some(c) if *c == SqlState::DISK_FULL => format!(
            "the PostgreSQL server of {target} is out of disk space: nothing was changed; free some and try again"
        ),
        Some(c) if *c == SqlState::CHARACTER_NOT_IN_REPERTOIRE || *c == SqlState::UNTRANSLATABLE_CHARACTER => {
            "PostgreSQL cannot store a NUL character in text: remove it from the input (nothing was changed)".into()
        }
        Some(c) if *c == SqlState::UNDEFINED_TABLE || *c == SqlState::UNDEFINED_COLUMN => format!(
            "the PostgreSQL database {target} does not hold a clinic2fa schema as expected ({}): it was left as it is; point --db at a clinic2fa database",
            pg.as_db_error().map_or("", |d| d.message())
        ),
        Some(c)
            if *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW =>
        {
            return Error::Unavailable(format!(
                "the PostgreSQL server of {target} ended the connection ({}): check the server; what was not confirmed was not saved",
                pg.as_db_error().map_or("", |d| d.message())
            ))
            .into();
        }
        None if pg.is_closed() || pg.as_db_error().is_none() => {
            return Error::Unavailable(format!(
                "the connection to the PostgreSQL database {target} was lost ({}): check the server; what was not confirmed was not saved",
                source_text(pg)
            ))
            .into();
        }
        _ if is_retryable(&err) => {
            return Error::Busy(format!(
                "the PostgreSQL database {target} stayed too busy: the change was tried {} times and each time the server asked to try again; nothing was changed, try again later",
                super::RETRIES
            ))
            .into();
        }
        // Anything else the server said, on one line, with its SQLSTATE to look up.
        _ => match pg.as_db_error() {
            Some(d) => format!(
                "the PostgreSQL database {target} refused it: {} (SQLSTATE {}); nothing was changed",
                d.message(),
                d.code().code()
            ),
            None => return err,
        },
    };
    Error::Database(message).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_verify_full_keeps_the_mode_and_hides_the_password() {
        let t =
            Target::parse("postgresql://clinic:s3cret@db.example:6543/chain?sslmode=verify-full")
                .unwrap();
        assert_eq!(t.ssl, SslMode::VerifyFull);
        assert_eq!(t.to_string(), "postgres://clinic@db.example:6543/chain");
        assert_eq!(t.config.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(t.key_file_name(), "postgres-db.example-6543-chain.key");
    }

    /// Nothing answers at the address: unavailable (a service says "try later"), not a
    /// refusal of the request, nor a database to repair.
    #[test]
    fn a_server_that_does_not_answer_is_unavailable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let target = Target::parse(&format!("postgres://nobody@127.0.0.1:{port}/x")).unwrap();
        let Err(err) = target.connect() else { panic!("nothing listens on {port}") };
        let typed = err.chain().find_map(|c| c.downcast_ref::<Error>());
        assert!(matches!(typed, Some(Error::Unavailable(m)) if m.contains("refused")), "{err:#}");
    }

    #[test]
    fn a_bad_sslmode_is_a_usage_error_naming_it() {
        let err = Target::parse("postgres://u@h/d?sslmode=sometimes").unwrap_err();
        assert!(matches!(&err, Error::Usage(m) if m.contains("sslmode=\"sometimes\"")), "{err}");
        let err = Target::parse("postgres://u:pw@h:notaport/d").unwrap_err();
        assert!(!err.to_string().contains("pw"), "{err}");
    }

    #[test]
    fn pgpass_lines_unescape_and_match_wildcards() {
        assert_eq!(pgpass_fields(r"h:5432:*:u:pa\:ss\\"), ["h", "5432", "*", "u", r"pa:ss\"]);
        assert_eq!(pgpass_fields("h:1:d:u:a:b"), ["h", "1", "d", "u", "a:b"]);
    }

    #[test]
    fn redaction_keeps_everything_but_the_password() {
        assert_eq!(redact("postgres://u:pw@h:5/d?x=1"), "postgres://***@h:5/d?x=1");
        // An unencoded `@` or `/` in the password shows none of it.
        assert_eq!(redact("postgres://u:p@ss/w@rd@h/d"), "postgres://***@h/d");
        assert_eq!(redact("postgres://u:se/cr@et@h:99/d"), "postgres://***@h:99/d");
        assert_eq!(redact("postgres://u@h/d"), "postgres://***@h/d");
        for url in ["postgres://u:p@ss/w@rd@h/d", "postgres://u:se/cr@et@h:99/d"] {
            let err = Target::parse(url).unwrap_err().to_string();
            assert!(err.contains("%40") && !err.contains("ss/w") && !err.contains("cr@"), "{err}");
        }
    }
}
