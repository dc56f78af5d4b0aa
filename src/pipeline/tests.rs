//! The conversation as a door drives it, with the clock passed in: what it asks, in
//! which order, and what each answer leaves in the store.

use zeroize::Zeroizing;

use super::*;
use crate::domain::account::Role;
use crate::domain::password::{self, Password};
use crate::domain::policy::Policy;
use crate::domain::settings::{Requirement, Setting};
use crate::domain::signin::{DenyReason, Purpose, SecondFactor, Verdict, Via};
use crate::domain::time::Timestamp;
use crate::domain::totp::{self, Code, TotpSecret};
use crate::domain::username::Username;
use crate::error::Error;
use crate::store::{self, Location, Store, accounts, audit};

const NOW: Timestamp = Timestamp::from_unix_const(1_795_798_800);
const PASSWORD: &str = "correct horse battery";

fn alice() -> Username {
    Username::parse("alice").unwrap()
}

fn password(text: &str) -> Password {
    Zeroizing::new(text.to_owned())
}

/// A clinic in a temp dir with alice (2FA as `policy`, her password temporary or not).
fn clinic(dir: &std::path::Path, policy: Policy, temporary: bool) -> Store {
    let (db, key) = (dir.join("c.db"), dir.join("c.db.key"));
    let here = Location::File(db);
    let key = store::KeyFile::Named(key);
    store::create(&here, &key, false, |_| Ok(())).unwrap();
    let mut store = Store::open(&here, &key).unwrap();
    let phc = password::hash(PASSWORD).unwrap();
    let alice = alice();
    store
        .write(|tx| {
            let new = accounts::NewAccount {
                username: &alice,
                name: None,
                role: Role::Staff,
                policy,
                password_hash: &phc,
                temporary_password: temporary,
                created_at: NOW,
            };
            accounts::insert(tx, &new).map(drop)
        })
        .unwrap();
    store
}

fn begin(purpose: Purpose, offered: Offered) -> Begin {
    Begin {
        purpose,
        username: alice(),
        password: password(PASSWORD),
        offered,
        new_password: None,
        device: None,
    }
}

fn code_at(secret: &TotpSecret, at: Timestamp) -> Offered {
    Offered::Totp(Code::parse(&secret.code_at_step(totp::step_at(at))).unwrap())
}

/// A code no window around `at` accepts, nor a phone clock a few minutes off.
fn wrong_code(secret: &TotpSecret, at: Timestamp) -> Offered {
    let near: Vec<_> =
        (-40..=40).map(|d| secret.code_at_step(totp::step_at(at).wrapping_add_signed(d))).collect();
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.iter().any(|n| n.as_str() == c))
        .unwrap();
    Offered::Totp(Code::parse(&wrong).unwrap())
}

fn done(turn: Turn) -> Finished {
    match turn {
        Turn::Done(finished) => *finished,
        Turn::Ask(ask) => panic!("expected the end, asked {ask:?}"),
    }
}

/// `enrol` at a terminal, confirmed: alice's secret.
fn enrol(store: &mut Store, at: Timestamp) -> TotpSecret {
    let caller = Caller { now: at, at_terminal: true, shows_set_up: true, door: Door::Command };
    let (mut talk, turn) =
        Conversation::begin(&caller, store, begin(Purpose::Enrol, Offered::Nothing)).unwrap();
    let Turn::Ask(Ask::SetUp { started, why: SetUpWhy::Enrol, .. }) = turn else {
        panic!("enrol shows the set-up: {turn:?}")
    };
    let finished =
        done(talk.answer(&caller, store, Answer::Code(code_at(&started.secret, at))).unwrap());
    assert!(matches!(finished.set_up, Some(SetUp::Done(ref codes)) if codes.len() == 10));
    started.secret
}

fn failures(store: &Store) -> u32 {
    accounts::find(&store.db(), &alice()).unwrap().unwrap().failed_logins
}

/// A missing code at a terminal is asked for and nothing is applied until it is
/// answered; the password is not checked again.
#[test]
fn a_missing_code_is_asked_for_and_nothing_is_applied_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::Required, false);
    let secret = enrol(&mut store, NOW);
    let later = NOW.plus_seconds(60);
    let caller = Caller { now: later, at_terminal: true, shows_set_up: true, door: Door::Command };
    let head = audit::head(&store.db()).unwrap().seq;
    let (mut talk, turn) =
        Conversation::begin(&caller, &mut store, begin(Purpose::Login, Offered::Nothing)).unwrap();
    assert!(matches!(turn, Turn::Ask(Ask::Code { wrong: None })), "{turn:?}");
    assert_eq!(audit::head(&store.db()).unwrap().seq, head, "nothing written yet");
    let finished =
        done(talk.answer(&caller, &mut store, Answer::Code(code_at(&secret, later))).unwrap());
    assert!(matches!(finished.decided.verdict, Verdict::Allowed { via: Via::Totp(_), .. }));
    // Nobody there: the same request is a denial, applied (counted in the trail).
    let scripted = Caller {
        now: later.plus_seconds(60),
        at_terminal: false,
        shows_set_up: false,
        door: Door::Command,
    };
    let (_, turn) =
        Conversation::begin(&scripted, &mut store, begin(Purpose::Login, Offered::Nothing))
            .unwrap();
    assert_eq!(done(turn).decided.verdict, Verdict::Denied(DenyReason::CodeRequired));
}

/// Three tries at a code, each wrong one counted; then the sign-in is refused.
#[test]
fn a_wrong_code_is_asked_again_twice_and_each_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::Required, false);
    let secret = enrol(&mut store, NOW);
    let later = NOW.plus_seconds(90);
    let caller = Caller { now: later, at_terminal: true, shows_set_up: true, door: Door::Command };
    let wrong = wrong_code(&secret, later);
    let (mut talk, mut turn) =
        Conversation::begin(&caller, &mut store, begin(Purpose::Login, wrong.clone())).unwrap();
    for tried in 1..CODE_TRIES {
        let Turn::Ask(Ask::Code {
            wrong: Some(Wrong { clock_off_minutes: None, recovery_code: false }),
        }) = turn
        else {
            panic!("try {tried}: asked again: {turn:?}")
        };
        assert_eq!(failures(&store), tried);
        turn = talk.answer(&caller, &mut store, Answer::Code(wrong.clone())).unwrap();
    }
    assert_eq!(done(turn).decided.verdict, Verdict::Denied(DenyReason::InvalidCode));
    assert_eq!(failures(&store), CODE_TRIES);
    let again = talk.answer(&caller, &mut store, Answer::Code(code_at(&secret, later)));
    let error = again.unwrap_err();
    assert!(matches!(error.downcast_ref::<Error>(), Some(Error::Usage(_))), "{error:#}");
}

/// A temporary password: the person's own is asked for (the temporary one again is
/// refused and asked anew), then the sign-in goes on to its code, and the new
/// password is the one stored.
#[test]
fn a_temporary_password_is_replaced_before_the_sign_in_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::Exempt, true);
    let caller = Caller { now: NOW, at_terminal: true, shows_set_up: true, door: Door::Command };
    let (mut talk, turn) =
        Conversation::begin(&caller, &mut store, begin(Purpose::Login, Offered::Nothing)).unwrap();
    assert!(matches!(turn, Turn::Ask(Ask::NewPassword { refused: None })), "{turn:?}");
    let same = talk.answer(&caller, &mut store, Answer::NewPassword(password(PASSWORD))).unwrap();
    let Turn::Ask(Ask::NewPassword { refused: Some(why) }) = same else { panic!("{same:?}") };
    assert!(why.contains("current password"), "{why}");
    assert!(talk.check_new_password("short").is_err(), "the rules, for the door to check");
    let own = "a password of my own";
    let finished =
        done(talk.answer(&caller, &mut store, Answer::NewPassword(password(own))).unwrap());
    assert!(matches!(finished.decided.verdict, Verdict::Allowed { via: Via::Password, .. }));
    let stored = accounts::find(&store.db(), &alice()).unwrap().unwrap();
    assert!(password::verify(own, &stored.password_hash).unwrap());
    assert!(!stored.must_change_password);
    // Nobody there: the rule stands, and nothing is asked.
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::Exempt, true);
    let scripted =
        Caller { now: NOW, at_terminal: false, shows_set_up: false, door: Door::Command };
    let (_, turn) =
        Conversation::begin(&scripted, &mut store, begin(Purpose::Login, Offered::Nothing))
            .unwrap();
    assert_eq!(done(turn).decided.verdict, Verdict::Denied(DenyReason::PasswordChangeRequired));
}

/// 2FA required and nothing set up (rule 5): at a terminal the set-up is shown, a wrong
/// code is asked again, and the right one finishes the sign-in with recovery codes.
#[test]
fn a_required_set_up_at_login_is_shown_and_confirmed_before_the_person_is_through() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::Required, false);
    let caller = Caller { now: NOW, at_terminal: true, shows_set_up: true, door: Door::Command };
    let (mut talk, turn) =
        Conversation::begin(&caller, &mut store, begin(Purpose::Login, Offered::Nothing)).unwrap();
    let Turn::Ask(Ask::SetUp { started, why: SetUpWhy::Required, .. }) = turn else {
        panic!("{turn:?}")
    };
    let wrong = wrong_code(&started.secret, NOW);
    let turn = talk.answer(&caller, &mut store, Answer::Code(wrong)).unwrap();
    assert!(matches!(turn, Turn::Ask(Ask::NewCode { .. })), "{turn:?}");
    let right = code_at(&started.secret, NOW);
    let finished = done(talk.answer(&caller, &mut store, Answer::Code(right)).unwrap());
    assert_eq!(finished.decided.verdict, Verdict::Denied(DenyReason::EnrolmentRequired));
    assert!(matches!(finished.set_up, Some(SetUp::Done(ref codes)) if codes.len() == 10));
    assert!(accounts::find(&store.db(), &alice()).unwrap().unwrap().enrolled);
}

/// Three wrong codes at a set-up: it ends unconfirmed, and nothing is enrolled.
#[test]
fn a_set_up_not_confirmed_in_three_tries_ends_and_enrols_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::Required, false);
    let caller = Caller { now: NOW, at_terminal: true, shows_set_up: true, door: Door::Command };
    let (mut talk, mut turn) =
        Conversation::begin(&caller, &mut store, begin(Purpose::Login, Offered::Nothing)).unwrap();
    let Turn::Ask(Ask::SetUp { started, .. }) = &turn else { panic!("{turn:?}") };
    let wrong = wrong_code(&started.secret, NOW);
    for _ in 0..CODE_TRIES {
        assert!(matches!(turn, Turn::Ask(_)), "{turn:?}");
        turn = talk.answer(&caller, &mut store, Answer::Code(wrong.clone())).unwrap();
    }
    let finished = done(turn);
    assert!(matches!(finished.set_up, Some(SetUp::Failed(None))), "{:?}", finished.set_up);
    assert!(!accounts::find(&store.db(), &alice()).unwrap().unwrap().enrolled);
}

/// Within the enrolment grace the set-up is offered; "not now" signs in with the
/// password alone, "yes" shows the set-up and confirms it.
#[test]
fn within_the_grace_the_set_up_is_offered_and_may_be_put_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::ClinicDefault, false);
    store
        .write(|tx| {
            store::clinic::set(tx, Setting::EnrolGraceDays, 7)?;
            store::clinic::set_require_2fa_for(tx, Requirement::Everyone, NOW)
        })
        .unwrap();
    let caller = Caller {
        now: NOW.plus_seconds(3600),
        at_terminal: true,
        shows_set_up: true,
        door: Door::Command,
    };
    for yes in [false, true] {
        let (mut talk, turn) =
            Conversation::begin(&caller, &mut store, begin(Purpose::Login, Offered::Nothing))
                .unwrap();
        let Turn::Ask(Ask::SetUpNow { due }) = turn else { panic!("{turn:?}") };
        assert_eq!(due, NOW.plus_seconds(7 * 86_400));
        let turn = talk.answer(&caller, &mut store, Answer::SetUpNow(yes)).unwrap();
        let finished = if yes {
            let Turn::Ask(Ask::SetUp { started, why: SetUpWhy::Chosen, .. }) = turn else {
                panic!("{turn:?}")
            };
            let code = code_at(&started.secret, caller.now);
            done(talk.answer(&caller, &mut store, Answer::Code(code)).unwrap())
        } else {
            done(turn)
        };
        let Verdict::Allowed { via, .. } = finished.decided.verdict else { panic!() };
        assert_eq!(via.second_factor(), SecondFactor::None);
        assert_eq!(finished.set_up.is_some(), yes);
        assert_eq!(accounts::find(&store.db(), &alice()).unwrap().unwrap().enrolled, yes);
    }
}

/// A door that serves many people keeps its stores in a pool and a conversation per
/// person between requests, on whichever thread: both own everything they hold.
#[test]
fn a_store_and_a_conversation_may_move_between_threads() {
    fn movable<T: Send + 'static>() {}
    movable::<Store>();
    movable::<Conversation>();
    movable::<Finished>();
}

/// A wrong password is denied before anything else is asked (rule 2 comes before the
/// code), and the attempt carries no proved hash that a later step could present.
#[test]
fn a_wrong_password_ends_the_conversation_with_nothing_proved() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::Required, false);
    let secret = enrol(&mut store, NOW);
    let later = NOW.plus_seconds(60);
    let caller = Caller { now: later, at_terminal: true, shows_set_up: true, door: Door::Command };
    for offered in [Offered::Nothing, code_at(&secret, later)] {
        let wrong =
            Begin { password: password("not her password"), ..begin(Purpose::Login, offered) };
        let (mut talk, turn) = Conversation::begin(&caller, &mut store, wrong).unwrap();
        let finished = done(turn);
        assert_eq!(finished.decided.verdict, Verdict::Denied(DenyReason::InvalidCredentials));
        assert_eq!(finished.decided.password_hash, None, "nothing proved to present later");
        assert!(talk.answer(&caller, &mut store, Answer::Code(code_at(&secret, later))).is_err());
    }
}

/// A conversation kept by a service may end up in a log line: its `Debug`, and that of
/// what begins and answers it, never shows a password.
#[test]
fn no_password_shows_in_a_conversation_s_debug() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = clinic(dir.path(), Policy::Exempt, true);
    let caller = Caller { now: NOW, at_terminal: true, shows_set_up: true, door: Door::Command };
    let begun = begin(Purpose::Login, Offered::Nothing);
    assert!(!format!("{begun:?}").contains(PASSWORD));
    let (talk, turn) = Conversation::begin(&caller, &mut store, begun).unwrap();
    assert!(matches!(turn, Turn::Ask(Ask::NewPassword { .. })));
    let answer = Answer::NewPassword(password("a password of my own"));
    for shown in [format!("{talk:?}"), format!("{turn:?}"), format!("{answer:?}")] {
        assert!(!shown.contains(PASSWORD) && !shown.contains("of my own"), "{shown}");
    }
}
