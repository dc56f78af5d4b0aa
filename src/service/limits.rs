//! How fast failed sign-ins may come, per person's address (`remote_addr`), per
//! account name and per client, before the service answers 429 without trying.
//!
//! The lockout counts consecutive failures per account; it cannot stop one address
//! from spraying many names (a few guesses each, under the threshold, for every
//! account in the clinic). A bucket per address can, and one per name slows guesses
//! at one account spread over many addresses. Only guesses drain a bucket
//! ([`is_a_guess`]), so a person who signs in is never slowed by their own sign-ins,
//! nor by an application that asks for the code in a second step; a bucket refills with
//! time. The clock is the sign-in's (a pinned `CLINIC2FA_NOW` stands still, so tests
//! see exactly the burst).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::domain::client::ClientName;
use crate::domain::signin::DenyReason;
use crate::domain::time::Timestamp;

/// A bucket's size and how many seconds it takes to earn back one failure.
#[derive(Debug, Clone, Copy)]
struct Rate {
    burst: u32,
    seconds_per_failure: i64,
}

/// One address: 20 failures at once, then one per 30 seconds (a front desk behind
/// one address mistypes, a sprayer is held to 120 an hour).
const ADDRESS: Rate = Rate { burst: 20, seconds_per_failure: 30 };
/// One account name: 10 at once, then one a minute, whatever the addresses.
const ACCOUNT: Rate = Rate { burst: 10, seconds_per_failure: 60 };
/// One client (a whole clinic signs in through it): 200 at once, then 2 a second.
const CLIENT: Rate = Rate { burst: 200, seconds_per_failure: 0 };
const CLIENT_PER_SECOND: u32 = 2;

/// Buckets kept at most; beyond, the full ones are forgotten first, then (a flood of
/// made-up names) the account ones.
const MOST_BUCKETS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Account(String),
    Client(String),
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Failures that may still come now.
    left: u32,
    /// When `left` was last brought up to date.
    at: i64,
}

#[derive(Default)]
pub struct Limits {
    buckets: Mutex<HashMap<Key, Bucket>>,
}

/// Over a rate: try again after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl Limits {
    /// Whether a sign-in for `username` (as typed), from `address`, through `client`
    /// may be tried now.
    pub fn check(
        &self,
        client: &ClientName,
        username: &str,
        address: Option<IpAddr>,
        now: Timestamp,
    ) -> Result<(), RetryAfter> {
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        let mut wait = 0;
        for (key, rate) in keys(client, username, address) {
            if let Some(bucket) = buckets.get_mut(&key) {
                refill(bucket, rate, now.unix());
                if bucket.left == 0 {
                    wait = wait.max(seconds_to_one(rate, bucket, now.unix()));
                }
            }
        }
        if wait > 0 { Err(RetryAfter(wait)) } else { Ok(()) }
    }

    /// A failed sign-in: one less in each of its buckets.
    pub fn failed(
        &self,
        client: &ClientName,
        username: &str,
        address: Option<IpAddr>,
        now: Timestamp,
    ) {
        let Ok(mut buckets) = self.buckets.lock() else { return };
        if buckets.len() >= MOST_BUCKETS {
            forget(&mut buckets, now.unix());
        }
        for (key, rate) in keys(client, username, address) {
            let bucket = buckets.entry(key).or_insert(Bucket { left: rate.burst, at: now.unix() });
            refill(bucket, rate, now.unix());
            bucket.left = bucket.left.saturating_sub(1);
        }
    }
}

/// A denial that may be someone guessing: a wrong password or code, or a try at a
/// locked account. `code-required` (the password was right: an application asking in
/// two steps), `enrolment-required` and `password-change-required` are a person on
/// their way in, and cost nothing.
pub fn is_a_guess(reason: DenyReason) -> bool {
    matches!(reason, DenyReason::InvalidCredentials | DenyReason::InvalidCode | DenyReason::Locked)
}

fn keys(client: &ClientName, username: &str, address: Option<IpAddr>) -> Vec<(Key, Rate)> {
    let mut keys = vec![
        (Key::Client(client.as_str().to_owned()), CLIENT),
        (Key::Account(username.to_lowercase()), ACCOUNT),
    ];
    if let Some(address) = address {
        keys.push((Key::Address(address), ADDRESS));
    }
    keys
}

fn earned(rate: Rate, seconds: i64) -> i64 {
    match rate.seconds_per_failure {
        0 => seconds.saturating_mul(i64::from(CLIENT_PER_SECOND)),
        per => seconds / per,
    }
}

fn refill(bucket: &mut Bucket, rate: Rate, now: i64) {
    let elapsed = now.saturating_sub(bucket.at).max(0);
    let gained = earned(rate, elapsed);
    if gained > 0 {
        let left = i64::from(bucket.left).saturating_add(gained).min(i64::from(rate.burst));
        bucket.left = u32::try_from(left).unwrap_or(rate.burst);
        // Keep the part of a period not yet earned.
        bucket.at = match rate.seconds_per_failure {
            0 => now,
            per => bucket.at + gained * per,
        };
    }
}

fn seconds_to_one(rate: Rate, bucket: &Bucket, now: i64) -> u64 {
    let wait = match rate.seconds_per_failure {
        0 => 1,
        per => (bucket.at + per - now).max(1),
    };
    u64::try_from(wait).unwrap_or(1)
}

fn forget(buckets: &mut HashMap<Key, Bucket>, now: i64) {
    buckets.retain(|key, bucket| {
        let rate = match key {
            Key::Address(_) => ADDRESS,
            Key::Account(_) => ACCOUNT,
            Key::Client(_) => CLIENT,
        };
        refill(bucket, rate, now);
        bucket.left < rate.burst
    });
    if buckets.len() >= MOST_BUCKETS {
        buckets.retain(|key, _| !matches!(key, Key::Account(_)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> ClientName {
        ClientName::parse("app").unwrap()
    }

    #[test]
    fn an_address_spraying_names_is_held_after_its_burst_and_earns_back_with_time() {
        let limits = Limits::default();
        let at = Timestamp::from_unix(1_000_000);
        let from: IpAddr = "203.0.113.7".parse().unwrap();
        for i in 0..ADDRESS.burst {
            let name = format!("user{i}");
            assert_eq!(limits.check(&client(), &name, Some(from), at), Ok(()));
            limits.failed(&client(), &name, Some(from), at);
        }
        assert_eq!(limits.check(&client(), "someone", Some(from), at), Err(RetryAfter(30)));
        // Another address is not held; nor is a name with no address.
        let other: IpAddr = "203.0.113.8".parse().unwrap();
        assert_eq!(limits.check(&client(), "someone", Some(other), at), Ok(()));
        // Thirty seconds earn one back.
        let later = at.plus_seconds(30);
        assert_eq!(limits.check(&client(), "someone", Some(from), later), Ok(()));
        limits.failed(&client(), "someone", Some(from), later);
        assert!(limits.check(&client(), "x", Some(from), later).is_err());
    }

    #[test]
    fn one_account_is_held_whatever_the_addresses_and_successes_cost_nothing() {
        let limits = Limits::default();
        let at = Timestamp::from_unix(1_000_000);
        for i in 0..ACCOUNT.burst {
            let from: IpAddr = format!("198.51.100.{i}").parse().unwrap();
            limits.failed(&client(), "Alice", Some(from), at);
        }
        let fresh: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(limits.check(&client(), "alice", Some(fresh), at), Err(RetryAfter(60)));
        assert_eq!(limits.check(&client(), "bob", Some(fresh), at), Ok(()));
    }

    #[test]
    fn the_map_stays_bounded_under_a_flood_of_names() {
        let limits = Limits::default();
        let at = Timestamp::from_unix(1_000_000);
        for i in 0..(MOST_BUCKETS + 10) {
            limits.failed(&client(), &format!("n{i}"), None, at);
        }
        assert!(limits.buckets.lock().unwrap().len() <= MOST_BUCKETS + 1);
    }
}
