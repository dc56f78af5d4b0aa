//! The tamper-evident audit trail.
//!
//! Entries are numbered 1, 2, 3… (`seq`), and each carries a seal: an HMAC, keyed from
//! the key file, over its number, its fields and the previous entry's seal. The
//! clinic row keeps the last number and seal (the head), sealed in turn. Without the
//! key, nobody can change an entry, insert one, delete one or cut the tail off without
//! [`verify`] naming where.

use std::fmt;

use crate::domain::keys::Keys;

/// What an audit entry records: the one list of the trail's actions, by the names
/// stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ClinicInit,
    ClinicSetName,
    ClinicRequire2fa,
    ClinicSet,
    UserAdd,
    UserRemove,
    UserDisable,
    UserEnable,
    UserSetPassword,
    UserSetRole,
    UserSetName,
    UserUnlock,
    User2faSet,
    /// An override's `--until` came, recorded by the first command after.
    User2faEnded,
    /// An admin removed one of a person's authenticators.
    User2faRemove,
    UserGrantBypass,
    UserRevokeBypass,
    /// An admin made an enrolment link (`user enrol-link`).
    UserEnrolLink,
    BypassUse,
    Login,
    Lockout,
    EnrolStart,
    EnrolConfirm,
    Unenrol,
    Passwd,
    RecoveryCodesRegenerate,
    KeyRotate,
    Backup,
    DbCopy,
    /// An application allowed to call the sign-in service, or no longer.
    ClientAdd,
    ClientRemove,
}

impl Action {
    pub const ALL: [Action; 31] = [
        Action::ClinicInit,
        Action::ClinicSetName,
        Action::ClinicRequire2fa,
        Action::ClinicSet,
        Action::UserAdd,
        Action::UserRemove,
        Action::UserDisable,
        Action::UserEnable,
        Action::UserSetPassword,
        Action::UserSetRole,
        Action::UserSetName,
        Action::UserUnlock,
        Action::User2faSet,
        Action::User2faEnded,
        Action::User2faRemove,
        Action::UserGrantBypass,
        Action::UserRevokeBypass,
        Action::UserEnrolLink,
        Action::BypassUse,
        Action::Login,
        Action::Lockout,
        Action::EnrolStart,
        Action::EnrolConfirm,
        Action::Unenrol,
        Action::Passwd,
        Action::RecoveryCodesRegenerate,
        Action::KeyRotate,
        Action::Backup,
        Action::DbCopy,
        Action::ClientAdd,
        Action::ClientRemove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::ClinicInit => "clinic.init",
            Action::ClinicSetName => "clinic.set-name",
            Action::ClinicRequire2fa => "clinic.require-2fa",
            Action::ClinicSet => "clinic.set",
            Action::UserAdd => "user.add",
            Action::UserRemove => "user.remove",
            Action::UserDisable => "user.disable",
            Action::UserEnable => "user.enable",
            Action::UserSetPassword => "user.set-password",
            Action::UserSetRole => "user.set-role",
            Action::UserSetName => "user.set-name",
            Action::UserUnlock => "user.unlock",
            Action::User2faSet => "user.2fa-set",
            Action::User2faEnded => "user.2fa-ended",
            Action::User2faRemove => "user.2fa-remove",
            Action::UserGrantBypass => "user.grant-bypass",
            Action::UserRevokeBypass => "user.revoke-bypass",
            Action::UserEnrolLink => "user.enrol-link",
            Action::BypassUse => "bypass.use",
            Action::Login => "login",
            Action::Lockout => "lockout",
            Action::EnrolStart => "enrol.start",
            Action::EnrolConfirm => "enrol.confirm",
            Action::Unenrol => "unenrol",
            Action::Passwd => "passwd",
            Action::RecoveryCodesRegenerate => "recovery-codes.regenerate",
            Action::KeyRotate => "key.rotate",
            Action::Backup => "backup",
            Action::DbCopy => "db.copy",
            Action::ClientAdd => "client.add",
            Action::ClientRemove => "client.remove",
        }
    }

    /// It changes the clinic's settings: their seal is stamped with the latest such.
    pub fn changes_settings(self) -> bool {
        matches!(
            self,
            Action::ClinicInit
                | Action::ClinicSetName
                | Action::ClinicRequire2fa
                | Action::ClinicSet
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry's content, as sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
    /// Written while `CLINIC2FA_NOW` pinned the clock: its `at` is what the pin said,
    /// not the time. Sealed, so nobody can hide it (seal version 2 on).
    pub pinned_clock: bool,
}

/// An entry as shown by `audit`.
#[derive(Debug)]
pub struct Listed {
    pub seq: Option<i64>,
    pub record: Record,
}

/// The seal before the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// The seal format entries are written with now.
pub const SEAL_VERSION: u8 = 2;

/// The seal of entry `seq`, chained to the previous entry's seal (version 2): every
/// field, an absent one told apart from any text, and whether the clock was pinned.
pub fn seal(keys: &Keys, previous: &[u8], seq: i64, record: &Record) -> [u8; 32] {
    with_parts(b"entry-v2", previous, seq, record, |parts| keys.audit_mac(parts))
}

/// Hands `use_parts` what version 2 seals and the digest cover, in order: a tag, the
/// previous link, the number, every field (an absent one told apart from any text by
/// a leading 0 or 1), and whether the clock was pinned.
fn with_parts<R>(
    tag: &[u8],
    previous: &[u8],
    seq: i64,
    record: &Record,
    use_parts: impl FnOnce(&[&[u8]]) -> R,
) -> R {
    fn optional(v: &Option<String>) -> Vec<u8> {
        v.as_deref().map_or(vec![0], |s| [&[1u8][..], s.as_bytes()].concat())
    }
    use_parts(&[
        tag,
        previous,
        &seq.to_be_bytes(),
        &record.at.to_be_bytes(),
        record.actor.as_bytes(),
        record.action.as_bytes(),
        &optional(&record.subject),
        record.outcome.as_bytes(),
        &optional(&record.detail),
        &[u8::from(record.pinned_clock)],
    ])
}

/// The first seal format (entries written before version 2 keep it): an absent field
/// sealed as the text `"\0none"`, which is why version 2 replaced it.
pub fn seal_v1(keys: &Keys, previous: &[u8], seq: i64, record: &Record) -> [u8; 32] {
    fn optional(v: &Option<String>) -> &[u8] {
        v.as_deref().map_or(b"\0none".as_slice(), str::as_bytes)
    }
    keys.audit_mac(&[
        b"entry",
        previous,
        &seq.to_be_bytes(),
        &record.at.to_be_bytes(),
        record.actor.as_bytes(),
        record.action.as_bytes(),
        optional(&record.subject),
        record.outcome.as_bytes(),
        optional(&record.detail),
    ])
}

/// The seal over the head (last number, its seal and the trail's digest), so the tail
/// can't be cut off.
pub fn head_seal(keys: &Keys, seq: i64, last: &[u8], digest: &[u8]) -> [u8; 32] {
    keys.audit_mac(&[b"head-v2", &seq.to_be_bytes(), last, digest])
}

/// The trail's digest after entry `seq`: SHA-256 over the digest before it and the
/// entry's content, with no key. It is what `audit head` writes down, so a head stays
/// good across key rotations (which re-seal every entry but change no content); the
/// seals, checked on the same walk, are what stop someone without the key from making
/// a trail with a chosen digest.
pub fn digest(previous: &[u8], seq: i64, record: &Record) -> [u8; 32] {
    use sha2::Digest as _;
    with_parts(b"clinic2fa audit digest v1", previous, seq, record, |parts| {
        let mut h = sha2::Sha256::new();
        for part in parts {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.finalize().into()
    })
}

/// An entry of the trail as written down off the machine (`audit head`): its number
/// and the trail's digest there (before this release: its seal), as `N:HEX`. Held against the trail later, it shows whether the trail
/// was cut back, restored from an older copy, or rewritten since: none of which the
/// chain alone can show, as a shorter or older trail is a whole chain too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub seal: Vec<u8>,
}

impl Anchor {
    pub fn token(&self) -> String {
        let hex: String = self.seal.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}:{hex}", self.seq)
    }

    pub fn parse(text: &str) -> Result<Anchor, crate::error::Error> {
        let refuse = || {
            crate::error::Error::Usage(format!(
                "invalid --head {}: give the token `clinic2fa audit head` printed, like 57:3fa9…",
                crate::domain::text::shown(text)
            ))
        };
        let (seq, hex) = text.trim().split_once(':').ok_or_else(refuse)?;
        let seq: i64 = seq.parse().ok().filter(|n| *n >= 0).ok_or_else(refuse)?;
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refuse());
        }
        let seal = (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| refuse()))
            .collect::<Result<_, _>>()?;
        Ok(Anchor { seq, seal })
    }

    /// Whether a trail whose last entry is `last` still holds this head: `at` is what
    /// the trail has at entry `self.seq` (`None`: no such entry).
    pub fn held_by(&self, last: i64, at: Option<&HeldAt>) -> Result<(), String> {
        if self.seq == 0 {
            return Ok(());
        }
        let matches = |v: &[u8]| bool::from(subtle::ConstantTimeEq::ct_eq(v, &self.seal[..]));
        match at {
            _ if self.seq > last => Err(format!(
                "the trail ends at entry #{last}, before #{} written down as its head: its newest entries were cut off, or an older copy of the database was restored",
                self.seq
            )),
            Some(at)
                if matches(&at.digest)
                    || matches(&at.seal)
                    || at.recorded.iter().any(|r| matches(r)) =>
            {
                Ok(())
            }
            _ => Err(format!(
                "entry #{} is not the one written down as the head: the trail was rewritten from there (forked)",
                self.seq
            )),
        }
    }
}

/// What the trail holds at one entry, to hold a written-down head against: its digest,
/// its seal, and the seals a key rotation recorded for it (heads written down, under an
/// older key, before the digest was what `audit head` gave).
#[derive(Debug, Clone, Default)]
pub struct HeldAt {
    pub digest: Vec<u8>,
    pub seal: Vec<u8>,
    pub recorded: Vec<Vec<u8>>,
}

/// An entry as stored, for verification. `seq` and `seal` are `None` when a row was
/// added without them (by hand).
#[derive(Debug, Clone)]
pub struct Stored {
    pub seq: Option<i64>,
    pub seal: Option<Vec<u8>>,
    /// The seal format: 1 (the first) or [`SEAL_VERSION`].
    pub version: u8,
    pub record: Record,
}

/// The trail's head as stored on the clinic row.
#[derive(Debug, Clone)]
pub struct Head {
    pub seq: i64,
    pub last: Vec<u8>,
    /// The trail's [`digest`] after the last entry.
    pub digest: Vec<u8>,
    pub seal: Vec<u8>,
}

/// The first thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Entry `seq` no longer matches its seal.
    Altered { seq: i64 },
    /// An entry that was never written by clinic2fa, found just after entry `after`.
    Inserted { after: i64 },
    /// Entries `from` to `to` are missing.
    Deleted { from: i64, to: i64 },
    /// The head on the clinic row was changed.
    HeadAltered,
}

impl Problem {
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Altered { .. } => "altered",
            Problem::Inserted { .. } => "inserted",
            Problem::Deleted { .. } => "deleted",
            Problem::HeadAltered => "head-altered",
        }
    }

    /// The entry number to look at first.
    pub fn entry(&self) -> Option<i64> {
        match *self {
            Problem::Altered { seq } => Some(seq),
            Problem::Inserted { after } => Some(after + 1),
            Problem::Deleted { from, .. } => Some(from),
            Problem::HeadAltered => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Altered { seq } => write!(f, "entry #{seq} was altered"),
            Problem::Inserted { after } => write!(f, "an entry was inserted after entry #{after}"),
            Problem::Deleted { from, to } if from == to => write!(f, "entry #{from} was deleted"),
            Problem::Deleted { from, to } => write!(f, "entries #{from} to #{to} were deleted"),
            Problem::HeadAltered => write!(f, "the record of the trail's last entry was altered"),
        }
    }
}

/// Walks the trail in storage order. Returns the number of entries when every seal,
/// number and the head agree, else the first problem.
pub fn verify(
    keys: &Keys,
    entries: impl IntoIterator<Item = Stored>,
    head: &Head,
) -> Result<i64, Problem> {
    let mut walk = Walk::new(keys);
    for entry in entries {
        walk.step(&entry)?;
    }
    walk.finish(head)
}

/// [`verify`] one entry at a time, so a trail of any length is checked in little
/// memory: [`Walk::step`] each entry in storage order, then [`Walk::finish`].
#[derive(Debug)]
pub struct Walk<'k> {
    keys: &'k Keys,
    previous: Vec<u8>,
    digest: [u8; 32],
    expected: i64,
}

impl<'k> Walk<'k> {
    pub fn new(keys: &'k Keys) -> Walk<'k> {
        Walk { keys, previous: GENESIS.to_vec(), digest: GENESIS, expected: 1 }
    }

    /// The trail's digest after the last entry stepped over.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// Checks the next entry against its seal and the one before.
    pub fn step(&mut self, entry: &Stored) -> Result<(), Problem> {
        let expected = self.expected;
        let (Some(seq), Some(stored_seal)) = (entry.seq, entry.seal.as_deref()) else {
            return Err(Problem::Inserted { after: expected - 1 });
        };
        if seq > expected {
            return Err(Problem::Deleted { from: expected, to: seq - 1 });
        }
        if seq < expected {
            return Err(Problem::Inserted { after: expected - 1 });
        }
        // A version-1 seal cannot carry a pinned clock: claiming one is an alteration.
        let computed = match entry.version {
            1 if !entry.record.pinned_clock => {
                seal_v1(self.keys, &self.previous, seq, &entry.record)
            }
            SEAL_VERSION => seal(self.keys, &self.previous, seq, &entry.record),
            _ => return Err(Problem::Altered { seq }),
        };
        if !bool::from(subtle::ConstantTimeEq::ct_eq(&computed[..], stored_seal)) {
            return Err(Problem::Altered { seq });
        }
        self.previous = computed.to_vec();
        self.digest = digest(&self.digest, seq, &entry.record);
        self.expected += 1;
        Ok(())
    }

    /// After the last entry: the head must name it. The number of entries.
    pub fn finish(self, head: &Head) -> Result<i64, Problem> {
        let count = self.expected - 1;
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            &head_seal(self.keys, head.seq, &head.last, &head.digest)[..],
            &head.seal[..],
        )) {
            return Err(Problem::HeadAltered);
        }
        if head.seq > count {
            return Err(Problem::Deleted { from: count + 1, to: head.seq });
        }
        if head.seq < count || head.last != self.previous || head.digest != self.digest {
            return Err(Problem::HeadAltered);
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keys::MasterKey;

    fn record(n: i64) -> Record {
        Record {
            at: 1_795_798_800 + n,
            actor: "it-admin".into(),
            action: "user.add".into(),
            subject: Some(format!("user{n}")),
            outcome: "ok".into(),
            detail: None,
            pinned_clock: false,
        }
    }

    /// A trail of `n` entries written the way the store writes them.
    fn trail(keys: &Keys, n: i64) -> (Vec<Stored>, Head) {
        let mut previous = GENESIS.to_vec();
        let mut entries = Vec::new();
        for seq in 1..=n {
            let s = seal(keys, &previous, seq, &record(seq));
            entries.push(Stored {
                seq: Some(seq),
                seal: Some(s.to_vec()),
                version: SEAL_VERSION,
                record: record(seq),
            });
            previous = s.to_vec();
        }
        let mut d = GENESIS;
        for e in &entries {
            d = digest(&d, e.seq.unwrap(), &e.record);
        }
        let head = Head {
            seq: n,
            seal: head_seal(keys, n, &previous, &d).to_vec(),
            last: previous,
            digest: d.to_vec(),
        };
        (entries, head)
    }

    #[test]
    fn an_absent_field_and_the_text_that_stood_for_it_seal_apart_and_so_does_the_pin() {
        let keys = MasterKey::generate().unwrap().derive();
        let absent = record(1);
        let text = Record { detail: Some("\0none".into()), ..record(1) };
        assert_ne!(seal(&keys, &GENESIS, 1, &absent), seal(&keys, &GENESIS, 1, &text));
        assert_eq!(
            seal_v1(&keys, &GENESIS, 1, &absent),
            seal_v1(&keys, &GENESIS, 1, &text),
            "why v2"
        );
        let pinned = Record { pinned_clock: true, ..record(1) };
        assert_ne!(seal(&keys, &GENESIS, 1, &absent), seal(&keys, &GENESIS, 1, &pinned));
    }

    #[test]
    fn every_action_has_its_own_name() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }

    #[test]
    fn an_untouched_trail_verifies() {
        let keys = MasterKey::generate().unwrap().derive();
        let (entries, head) = trail(&keys, 5);
        assert_eq!(verify(&keys, entries, &head), Ok(5));
        let (empty, head) = trail(&keys, 0);
        assert_eq!(verify(&keys, empty, &head), Ok(0));
    }

    #[test]
    fn each_kind_of_tampering_is_named() {
        let keys = MasterKey::generate().unwrap().derive();
        let (entries, head) = trail(&keys, 5);

        let mut altered = entries.clone();
        altered[2].record.outcome = "denied".into();
        assert_eq!(verify(&keys, altered, &head), Err(Problem::Altered { seq: 3 }));

        let mut deleted = entries.clone();
        deleted.remove(1);
        assert_eq!(verify(&keys, deleted, &head), Err(Problem::Deleted { from: 2, to: 2 }));

        let mut inserted = entries.clone();
        inserted.insert(2, Stored { seq: None, seal: None, version: 1, record: record(9) });
        assert_eq!(verify(&keys, inserted, &head), Err(Problem::Inserted { after: 2 }));

        let mut forged = entries.clone();
        forged.insert(
            2,
            Stored {
                seq: Some(3),
                seal: Some(vec![0; 32]),
                version: SEAL_VERSION,
                record: record(9),
            },
        );

        // Hiding the pin (clearing it, or claiming the first seal format) is an alteration.
        let mut unpinned = entries.clone();
        unpinned[1].record.pinned_clock = true;
        assert_eq!(verify(&keys, unpinned, &head), Err(Problem::Altered { seq: 2 }));
        let mut downgraded = entries.clone();
        downgraded[1].version = 1;
        assert_eq!(verify(&keys, downgraded, &head), Err(Problem::Altered { seq: 2 }));
        assert_eq!(verify(&keys, forged, &head), Err(Problem::Altered { seq: 3 }));

        let truncated = entries[..3].to_vec();
        assert_eq!(verify(&keys, truncated, &head), Err(Problem::Deleted { from: 4, to: 5 }));

        // Cutting the tail and rewriting the head to match needs the key.
        let (short, _) = trail(&keys, 3);
        let fake = Head {
            seq: 3,
            last: short[2].seal.clone().unwrap(),
            digest: vec![0; 32],
            seal: vec![7; 32],
        };
        assert_eq!(verify(&keys, short, &fake), Err(Problem::HeadAltered));
    }

    #[test]
    fn another_key_cannot_vouch_for_the_trail() {
        let keys = MasterKey::generate().unwrap().derive();
        let other = MasterKey::generate().unwrap().derive();
        let (entries, head) = trail(&keys, 2);
        assert_eq!(verify(&other, entries, &head), Err(Problem::Altered { seq: 1 }));
    }
}
