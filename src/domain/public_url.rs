//! The address the sign-in service's enrolment page is reached at (`clinic set
//! public-url`, `serve --public-url`): what `user enrol-link` links start with.
//!
//! It is where staff type their password, so it must be the clinic's own: HTTPS, or
//! plain HTTP only to this machine (a service behind a TLS proxy on the same host is
//! given its public `https://` address, not the proxy's back end). It is kept sealed
//! with the key file, so that someone with the database alone cannot point the links
//! an admin sends at a page of their own.

use crate::domain::text::shown;
use crate::error::Error;

const MAX_CHARS: usize = 200;

/// `URL`, or `none` (no address: links cannot be made). Kept without a trailing `/`.
pub fn parse(input: &str) -> Result<Option<String>, Error> {
    let text = input.trim();
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let refused = |why: &str| {
        Error::Usage(format!(
            "public-url {}: {why}; give the address staff open the service's page at, like https://signin.example.org",
            shown(input)
        ))
    };
    if text.len() > MAX_CHARS {
        return Err(refused(&format!("longer than {MAX_CHARS} characters")));
    }
    let (scheme, rest) = text.split_once("://").ok_or_else(|| refused("not an address"))?;
    let scheme = scheme.to_ascii_lowercase();
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~/%".contains(c);
    if authority.is_empty() || authority.contains('@') {
        return Err(refused("it needs a host name, and no user name or password"));
    }
    if !authority.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)) {
        return Err(refused("the host name has characters a host name cannot"));
    }
    if !path.chars().all(allowed) {
        return Err(refused("give no query (?) or fragment (#), and only plain characters"));
    }
    let host = host_of(authority);
    match scheme.as_str() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(refused("plain http would carry passwords over the network; use https://"));
        }
        _ => return Err(refused("use https://")),
    }
    Ok(Some(format!("{scheme}://{}{}", authority.to_ascii_lowercase(), path.trim_end_matches('/'))))
}

/// The host of `host[:port]` or `[v6]:port`.
fn host_of(authority: &str) -> &str {
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The origin (scheme, host and port) of a public URL, as a browser sends it in
/// `Origin`.
pub fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_or_plain_http_to_this_machine_only() {
        assert_eq!(
            parse("https://Signin.Example.org/").unwrap().as_deref(),
            Some("https://signin.example.org")
        );
        assert_eq!(
            parse("https://example.org:8443/clinic2fa").unwrap().as_deref(),
            Some("https://example.org:8443/clinic2fa")
        );
        assert!(parse("http://127.0.0.1:8080").unwrap().is_some());
        assert!(parse("http://[::1]:8080").unwrap().is_some());
        assert_eq!(parse("none").unwrap(), None);
        for bad in [
            "http://signin.example.org",
            "ftp://example.org",
            "example.org",
            "https://",
            "https://user:pw@example.org",
            "https://example.org/?x=1",
            "https://example.org/#x",
            "https://exa mple.org",
            "https://example.org/<script>",
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains("public-url") && err.contains("https://"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        assert_eq!(origin("https://example.org:8443/clinic2fa"), "https://example.org:8443");
        assert_eq!(origin("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
