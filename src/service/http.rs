//! The HTTP side: the API (`GET /v1/health` and `POST /v1/signin`, JSON in and out) and
//! the enrolment page (`/enrol/…`, [`crate::service::page`]), over HTTP/1.1 (hyper),
//! plain on loopback or TLS (rustls).
//!
//! What a caller can make the service hold is bounded: a request must arrive whole
//! within [`REQUEST_SECONDS`] (headers and body; a client that sends half and stops is
//! dropped), a body is at most [`BODY_BYTES`], and the sign-ins themselves queue for a
//! bounded number of slots (`workers`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::domain::client::Token;
use crate::domain::time::Timestamp;
use crate::error::Error;
use crate::pipeline::Answered;
use crate::service::door::{self, Outcome, SignIn};
use crate::service::limits::{Limits, RetryAfter};
use crate::service::workers::{self, Workers};

/// The longest a request may take to arrive, headers and body.
pub const REQUEST_SECONDS: u64 = 10;
/// The largest body accepted.
pub const BODY_BYTES: usize = 16 * 1024;
/// How long a stopping service waits for the sign-ins in flight.
const DRAIN_SECONDS: u64 = 60;

/// What every request's handler shares.
struct Shared {
    workers: Arc<Workers>,
    limits: Limits,
    pinned: Option<Timestamp>,
    /// The enrolment page's sessions.
    pages: crate::service::page::Pages,
    /// The HTTP side is served over TLS.
    tls: bool,
}

/// The TLS settings: the certificate and key files, read again on SIGHUP.
pub struct Tls {
    cert: PathBuf,
    key: PathBuf,
    config: RwLock<Arc<rustls::ServerConfig>>,
}

/// Reads `--tls-cert` and `--tls-key`, so that a bad file stops the start, not the
/// first connection.
pub fn tls_config(cert: &Path, key: &Path) -> anyhow::Result<Arc<Tls>> {
    let config = load_tls(cert, key)?;
    Ok(Arc::new(Tls { cert: cert.to_owned(), key: key.to_owned(), config: RwLock::new(config) }))
}

fn load_tls(cert: &Path, key: &Path) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let unreadable = |path: &Path, what: &str, e: &dyn std::fmt::Display| {
        Error::Usage(format!("{}: not a PEM {what} ({e})", path.display()))
    };
    let cert_pem = std::fs::read(cert)
        .map_err(|e| Error::Usage(format!("cannot read --tls-cert {}: {e}", cert.display())))?;
    let key_pem = std::fs::read(key)
        .map_err(|e| Error::Usage(format!("cannot read --tls-key {}: {e}", key.display())))?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| unreadable(cert, "certificate chain", &e))?;
    if chain.is_empty() {
        return Err(unreadable(cert, "certificate chain", &"no certificate in it").into());
    }
    let private =
        PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| unreadable(key, "private key", &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| {
            Error::Usage(format!(
                "--tls-cert {} and --tls-key {} do not make a usable pair: {e}",
                cert.display(),
                key.display()
            ))
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves until SIGTERM or SIGINT, then lets the requests in flight finish.
pub async fn serve(
    socket_path: PathBuf,
    listen: Option<SocketAddr>,
    tls: Option<Arc<Tls>>,
    workers: Arc<Workers>,
    pinned: Option<Timestamp>,
) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let socket = crate::service::socket::bind(&socket_path).await?;
    let _remove_at_the_end = crate::service::socket::Bound(socket_path.clone());
    let listener = match listen {
        Some(listen) => Some(
            TcpListener::bind(listen)
                .await
                .map_err(|e| Error::Conflict(format!("cannot listen on {listen}: {e}")))?,
        ),
        None => None,
    };
    let shared = Arc::new(Shared {
        workers,
        limits: Limits::default(),
        pinned,
        pages: crate::service::page::Pages::default(),
        tls: tls.is_some(),
    });
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    log(&format!("serving the PAM module at {}", socket_path.display()));
    if let Some(listener) = &listener {
        let scheme = if tls.is_some() { "https" } else { "http" };
        log(&format!("serving the HTTP API at {scheme}://{}", listener.local_addr()?));
    }
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            asked = socket.accept() => {
                let Ok((stream, _)) = asked else { continue };
                let workers = Arc::clone(&shared.workers);
                connections.spawn(crate::service::socket::converse(stream, workers, shared.pinned));
            }
            accepted = accept(listener.as_ref()) => {
                let Ok((stream, peer)) = accepted else { continue };
                let tls = tls.as_ref().map(|t| t.config.read().map(|c| Arc::clone(&c)));
                let tls = match tls {
                    Some(Ok(config)) => Some(config),
                    Some(Err(_)) => continue,
                    None => None,
                };
                connections.spawn(connection(stream, peer, tls, Arc::clone(&shared), stopping.clone()));
            }
            _ = hup.recv() => reload(tls.as_deref()),
            _ = term.recv() => break,
            _ = int.recv() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    log("stopping: finishing the sign-ins in flight");
    let _ = stop.send(true);
    drop(listener);
    drop(socket);
    let drained = tokio::time::timeout(Duration::from_secs(DRAIN_SECONDS), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        log("stopped with requests still open after 60 s");
    }
    log("stopped");
    Ok(())
}

/// The next connection to the HTTP API; never, without one.
async fn accept(
    listener: Option<&TcpListener>,
) -> std::io::Result<(tokio::net::TcpStream, SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

fn reload(tls: Option<&Tls>) {
    let Some(tls) = tls else { return };
    match load_tls(&tls.cert, &tls.key) {
        Ok(config) => {
            if let Ok(mut current) = tls.config.write() {
                *current = config;
                log("reloaded the TLS certificate and key");
            }
        }
        Err(e) => log(&format!("kept the old TLS certificate: the new one is refused: {e:#}")),
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
    shared: Arc<Shared>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let deadline = Duration::from_secs(REQUEST_SECONDS);
    let service = hyper::service::service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(handle(request, peer, &shared).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(deadline).keep_alive(true);
    match tls {
        None => drive(builder.serve_connection(TokioIo::new(stream), service), &mut stopping).await,
        Some(config) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(config);
            let Ok(Ok(stream)) = tokio::time::timeout(deadline, acceptor.accept(stream)).await
            else {
                return;
            };
            drive(builder.serve_connection(TokioIo::new(stream), service), &mut stopping).await;
        }
    }
}

/// Runs one connection; when the service stops, lets its request in flight finish and
/// takes no other.
async fn drive<C>(conn: C, stopping: &mut tokio::sync::watch::Receiver<bool>)
where
    C: std::future::Future + GracefulConnection,
{
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        () = stopped(stopping) => {
            conn.as_mut().graceful();
            let _ = conn.await;
        }
    }
}

/// Until the service stops (or the sender is gone).
async fn stopped(stopping: &mut tokio::sync::watch::Receiver<bool>) {
    while !*stopping.borrow_and_update() {
        if stopping.changed().await.is_err() {
            return;
        }
    }
}

/// hyper's connection, whatever its stream.
trait GracefulConnection {
    fn graceful(self: std::pin::Pin<&mut Self>);
}

impl<I, S> GracefulConnection for hyper::server::conn::http1::Connection<I, S>
where
    S: hyper::service::HttpService<Incoming>,
    S::ResBody: 'static,
    <S::ResBody as hyper::body::Body>::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    fn graceful(self: std::pin::Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

type Answer = Response<Full<Bytes>>;

async fn handle(request: Request<Incoming>, peer: SocketAddr, shared: &Shared) -> Answer {
    let started = Instant::now();
    match (request.method(), request.uri().path()) {
        (&Method::GET, "/v1/health") => health(shared).await,
        (&Method::POST, "/v1/signin") => sign_in(request, peer, shared, started).await,
        (_, path) if path.starts_with("/enrol/") => {
            let door = crate::service::page::Door {
                workers: &shared.workers,
                pages: &shared.pages,
                limits: &shared.limits,
            };
            crate::service::page::handle(request, peer, door, shared.pinned, shared.tls).await
        }
        (_, "/v1/health" | "/v1/signin") => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "use GET /v1/health or POST /v1/signin".to_owned(),
        ),
        (_, path) => error(
            StatusCode::NOT_FOUND,
            format!(
                "no such endpoint {}: the API has GET /v1/health and POST /v1/signin",
                // Never a link's token, should one be mistyped here.
                crate::domain::text::shown(path.get(..40).unwrap_or(path))
            ),
        ),
    }
}

async fn health(shared: &Shared) -> Answer {
    let checked = shared
        .workers
        .run(workers::Job::Health, |store| crate::store::clinic::get(&store.db()).map(drop))
        .await;
    match checked {
        Ok(Ok(())) => document(StatusCode::OK, &json!({"status": "ok"})),
        Ok(Err(e)) => {
            log(&format!("health: {e:#}"));
            document(StatusCode::SERVICE_UNAVAILABLE, &json!({"status": "unavailable"}))
        }
        Err(workers::Busy) => busy(RetryAfter(1)),
    }
}

async fn sign_in(
    request: Request<Incoming>,
    peer: SocketAddr,
    shared: &Shared,
    started: Instant,
) -> Answer {
    let Some(token) = bearer(&request) else {
        return unauthorized();
    };
    let body = match read_body(request, started).await {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let checked = match serde_json::from_slice::<SignIn>(&body) {
        Ok(asked) => asked.check(),
        Err(e) => Err(format!("the body is not a sign-in request ({e})")),
    };
    let checked = match checked {
        Ok(checked) => checked,
        Err(why) => return error(StatusCode::BAD_REQUEST, why),
    };
    let now = workers::now(shared.pinned);
    let claimed = token.client();
    let (typed, address) = (checked.typed.clone(), checked.remote_addr);
    if let Err(wait) = shared.limits.check(&claimed, &typed, address, now) {
        log(&format!("signin {} via api:{claimed}: held (too many failures)", shown(&typed)));
        return busy(wait);
    }
    let ran = shared
        .workers
        .run(workers::Job::SignIn, move |store| door::sign_in(store, &token, checked, now))
        .await;
    let ms = started.elapsed().as_millis();
    let from = address.map(|a| format!(" from {a}")).unwrap_or_default();
    match ran {
        Err(workers::Busy) => {
            log(&format!("signin {} via api:{claimed}{from}: busy", shown(&typed)));
            busy(RetryAfter(1))
        }
        Ok(Ok(Outcome::Unauthorized)) => {
            log(&format!("signin refused: no valid client token (peer {peer})"));
            unauthorized()
        }
        Ok(Ok(Outcome::Answered { document: answer, answered, client })) => {
            let result = match answered {
                Answered::SignedIn { second_factor, .. } => {
                    format!("success ({})", second_factor.as_str())
                }
                Answered::Denied(reason) => {
                    if crate::service::limits::is_a_guess(reason) {
                        shared.limits.failed(&client, &typed, address, now);
                    }
                    format!("denied ({})", reason.as_str())
                }
                Answered::Refused(_) => "refused".to_owned(),
            };
            log(&format!("signin {} via api:{client}{from}: {result} in {ms} ms", shown(&typed)));
            document(StatusCode::OK, &answer)
        }
        Ok(Err(e)) => {
            let unavailable = e.chain().any(|c| {
                matches!(c.downcast_ref::<Error>(), Some(Error::Unavailable(_) | Error::Busy(_)))
            });
            log(&format!("signin {} via api:{claimed}{from}: error: {e:#}", shown(&typed)));
            if unavailable {
                error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the clinic's database cannot be reached; try again shortly".to_owned(),
                )
            } else {
                error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the sign-in could not be decided; the service's log says why".to_owned(),
                )
            }
        }
    }
}

/// `Authorization: Bearer TOKEN`, in the form a token has.
fn bearer(request: &Request<Incoming>) -> Option<Token> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    Token::presented(token.trim())
}

/// The whole body, within the size cap and the request's deadline.
pub(super) async fn read_body(
    request: Request<Incoming>,
    started: Instant,
) -> Result<Bytes, Answer> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_BYTES as u64) {
        return Err(too_large());
    }
    let left = Duration::from_secs(REQUEST_SECONDS).saturating_sub(started.elapsed());
    let limited = Limited::new(request.into_body(), BODY_BYTES);
    match tokio::time::timeout(left, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(too_large())
        }
        Ok(Err(_)) | Err(_) => Err(error(
            StatusCode::REQUEST_TIMEOUT,
            format!("the request did not arrive whole within {REQUEST_SECONDS} seconds"),
        )),
    }
}

fn document(status: StatusCode, body: &Value) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn error(status: StatusCode, message: String) -> Answer {
    document(status, &json!({"error": message}))
}

fn unauthorized() -> Answer {
    let mut answer = error(
        StatusCode::UNAUTHORIZED,
        "no valid client token: send `Authorization: Bearer TOKEN` with a token from `clinic2fa client add`".to_owned(),
    );
    answer
        .headers_mut()
        .insert(hyper::header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    answer
}

fn too_large() -> Answer {
    error(StatusCode::PAYLOAD_TOO_LARGE, format!("the body is over {BODY_BYTES} bytes"))
}

fn busy(wait: RetryAfter) -> Answer {
    let mut answer = error(
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many sign-ins at once, or too many failed ones: try again in {} s", wait.0),
    );
    answer.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait.0));
    answer
}

/// A name as typed, safe for a log line.
fn shown(typed: &str) -> String {
    crate::ui::escape::for_terminal(typed).into_owned()
}

pub(super) fn log(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "clinic2fa serve: {line}");
}
