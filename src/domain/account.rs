//! A staff account as the rules see it.

use std::fmt;
use std::str::FromStr;

use crate::domain::policy::Policy;
use crate::domain::settings::Clinic;
use crate::domain::time::Timestamp;
use crate::domain::username::Username;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "staff" => Ok(Role::Staff),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role {}: use staff or admin",
                crate::domain::text::shown(other)
            )),
        }
    }
}

/// Where 2FA stood for a person right after a change to their account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// When the change was made.
    pub at: Timestamp,
    /// Since when 2FA had applied to them without a break, as of `at`; `None`: it did
    /// not apply right after the change.
    pub since: Option<Timestamp>,
}

impl Mark {
    /// The mark right after a change made at `at`: `before` is the account as it was
    /// (`None`: it was just made), `after` as the change leaves it. 2FA that applied
    /// before and still applies keeps its start: a change that never stopped the
    /// requirement (setting `required` over a clinic rule that already asked it,
    /// promotion to admin under `admins` of someone the rule already reached) gives no
    /// fresh grace.
    pub fn after_change(
        before: Option<&Account>,
        after: &Account,
        clinic: &Clinic,
        at: Timestamp,
    ) -> Mark {
        let since = after
            .requires_2fa(clinic, at)
            .then(|| before.and_then(|b| b.required_since(clinic, at)).unwrap_or(at));
        Mark { at, since }
    }
}

/// Whether an account may be used now ([`Account::standing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Usable,
    Disabled,
    Locked,
    /// A password someone else set: the person chooses their own before going on.
    MustChangePassword,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: Username,
    pub name: Option<String>,
    pub role: Role,
    pub disabled: bool,
    /// The per-user "Two-factor auth" setting. Nothing but `user 2fa set` changes it
    /// (and the clock, at `policy_until`).
    pub policy: Policy,
    /// When an override (`required`/`exempt`) set with `--until` reverts to
    /// `clinic-default`, by itself.
    pub policy_until: Option<Timestamp>,
    /// When the per-user setting, and the role, last changed (`None`: never, since the
    /// account was made): where an enrolment grace may start.
    pub policy_since: Option<Timestamp>,
    pub role_since: Option<Timestamp>,
    /// Where 2FA stood for this person right after their account last changed (made,
    /// setting or role): what the enrolment grace counts from. `None`: written before
    /// clinic2fa kept it.
    pub requirement_mark: Option<Mark>,
    /// A one-time bypass was spent: no enrolment grace until an authenticator is set up
    /// (after the one sign-in without 2FA, the person sets up the app).
    pub grace_forfeited: bool,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Whether an authenticator is active (a confirmed TOTP secret): `authenticators`
    /// is not 0. Both are read from the same count.
    pub enrolled: bool,
    /// How many authenticators are active (each a named device).
    pub authenticators: u32,
    pub recovery_codes_left: u32,
    /// The password was set by someone else (import, admin reset): the person must
    /// choose their own at their next sign-in.
    pub must_change_password: bool,
    /// A one-time login without 2FA, granted by an admin, good until this moment.
    pub bypass_until: Option<Timestamp>,
    /// Consecutive failed sign-ins since the last success or lockout.
    pub failed_logins: u32,
    pub locked_until: Option<Timestamp>,
    pub created_at: Timestamp,
    pub last_login_at: Option<Timestamp>,
}

impl Account {
    /// The per-user setting in force at `now`: an override whose `--until` has come is
    /// `clinic-default` again, whether or not a command has run since to record it.
    pub fn policy_at(&self, now: Timestamp) -> Policy {
        match self.policy_until {
            Some(until) if until <= now => Policy::ClinicDefault,
            _ => self.policy,
        }
    }

    /// The end of an override still in force at `now`.
    pub fn override_until(&self, now: Timestamp) -> Option<Timestamp> {
        self.policy_until.filter(|until| *until > now && self.policy != Policy::ClinicDefault)
    }

    /// Whether 2FA applies to this person at `now`: their override, else the clinic's
    /// rule for their role.
    pub fn requires_2fa(&self, clinic: &Clinic, now: Timestamp) -> bool {
        self.policy_at(now).requires_2fa(clinic.require_2fa_for.reaches(self.role))
    }

    /// Must set up an authenticator: 2FA applies, none is set up, and the account can
    /// sign in. The one "must enrol" rule: login's rule 5, `report`, `user list
    /// --needs-enrolment`, `clinic require-2fa --dry-run` and `user explain` all ask it.
    /// A disabled account cannot sign in, so it is counted as disabled, not as owing an
    /// enrolment; enabling it makes it owe one again.
    pub fn needs_enrolment(&self, clinic: &Clinic, now: Timestamp) -> bool {
        !self.disabled && self.requires_2fa(clinic, now) && !self.enrolled
    }

    /// The last sign-in, or the account's making if there was none: where "inactive"
    /// counts from.
    pub fn last_seen(&self) -> Timestamp {
        self.last_login_at.unwrap_or(self.created_at)
    }

    /// No sign-in for `seconds` or more at `now`.
    pub fn inactive_for(&self, seconds: i64, now: Timestamp) -> bool {
        self.last_seen().plus_seconds(seconds) <= now
    }

    /// The moment 2FA began to apply to this person, without a break up to `now`, if
    /// it applies at `now`. The account itself has not changed since its
    /// [`Mark`]; what can have happened since is the clinic rule starting to reach
    /// their role (`reaches_since`) and an override ending by the clock. Each starts
    /// the requirement afresh only where it did not already apply just before.
    pub fn required_since(&self, clinic: &Clinic, now: Timestamp) -> Option<Timestamp> {
        if !self.requires_2fa(clinic, now) {
            return None;
        }
        let Some(mark) = self.requirement_mark else {
            return Some(self.required_since_unmarked(clinic, now));
        };
        let carried = mark.since.unwrap_or(mark.at);
        if self.policy_at(now) == Policy::Required {
            // An override in force since the mark: it has applied throughout.
            return Some(carried);
        }
        // The clinic rule applies now, and has reached their role without a break
        // since `rule`: just before that, it did not.
        let rule = clinic.reaches_since(self.role).unwrap_or(mark.at);
        let since = match (self.policy, self.policy_until) {
            // An exemption that ended: nothing applied until its end.
            (Policy::Exempt, Some(ended)) => ended.max(rule),
            // A requirement of their own until `ended`, the rule from `rule`: one
            // stretch if the rule came before the override ended.
            (Policy::Required, Some(ended)) if rule <= ended => carried,
            (Policy::Required, _) => rule,
            // The rule alone, since the mark or from when it came.
            _ if rule <= mark.at => carried,
            _ => rule,
        };
        Some(since)
    }

    /// [`Account::required_since`] for an account last changed before clinic2fa kept
    /// its [`Mark`]: the latest of the changes that can start it, never earlier than
    /// the true start, so a grace is never cut short.
    fn required_since_unmarked(&self, clinic: &Clinic, now: Timestamp) -> Timestamp {
        let made = self.created_at;
        let setting = self.policy_since.unwrap_or(made);
        match self.policy_at(now) {
            Policy::Required => setting,
            _ => {
                let ended = self.policy_until.filter(|until| *until <= now).unwrap_or(made);
                let rule = clinic.reaches_since(self.role).unwrap_or(made);
                let role = match clinic.require_2fa_for {
                    crate::domain::settings::Requirement::Admins => self.role_since.unwrap_or(made),
                    _ => made,
                };
                [made, setting, ended, rule, role].into_iter().max().unwrap_or(made)
            }
        }
    }

    /// Until when this person, who must set up 2FA, may still sign in with the password
    /// alone: `enrol-grace-days` after 2FA began to apply to them; never after a spent
    /// bypass. `None`: no grace (none set, over, or not owed).
    pub fn enrolment_due(&self, clinic: &Clinic, now: Timestamp) -> Option<Timestamp> {
        if clinic.enrol_grace_days == 0
            || self.grace_forfeited
            || !self.needs_enrolment(clinic, now)
        {
            return None;
        }
        let since = self.required_since(clinic, now)?;
        let due = since.plus_seconds(i64::from(clinic.enrol_grace_days) * 86_400);
        (due > now).then_some(due)
    }

    /// Whether the account may be used at `now`, as a machine's PAM `account` phase
    /// asks after someone proved who they are (or came in by an SSH key): the first
    /// that applies of disabled, locked, a temporary password still to replace.
    pub fn standing(&self, now: Timestamp) -> Standing {
        if self.disabled {
            Standing::Disabled
        } else if self.locked_at(now).is_some() {
            Standing::Locked
        } else if self.must_change_password {
            Standing::MustChangePassword
        } else {
            Standing::Usable
        }
    }

    /// The end of a lockout still in force at `now`.
    pub fn locked_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| *until > now)
    }

    /// The expiry of a bypass still usable at `now`; an expired one grants nothing.
    pub fn bypass_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.bypass_until.filter(|until| *until > now)
    }

    /// Where this person stands in one word (the `status` of `report --csv`): the
    /// most pressing of what applies, in the order an admin would deal with it.
    pub fn status(&self, clinic: &Clinic, now: Timestamp) -> &'static str {
        if self.disabled {
            "disabled"
        } else if self.locked_at(now).is_some() {
            "locked"
        } else if self.bypass_at(now).is_some() {
            "bypass-pending"
        } else if self.needs_enrolment(clinic, now) {
            "must-enrol"
        } else if self.policy_at(now) == Policy::Exempt {
            "exempt"
        } else {
            "ok"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{NOW, account, clinic};

    #[test]
    fn status_names_the_most_pressing_thing_first() {
        let later = NOW.plus_seconds(60);
        let mut a = account();
        a.enrolled = true;
        assert_eq!(a.status(&clinic(true), NOW), "ok");
        a.policy = Policy::Exempt;
        assert_eq!(a.status(&clinic(true), NOW), "exempt");
        a.enrolled = false;
        a.policy = Policy::Required;
        assert_eq!(a.status(&clinic(false), NOW), "must-enrol");
        a.bypass_until = Some(later);
        assert_eq!(a.status(&clinic(false), NOW), "bypass-pending");
        assert_eq!(a.status(&clinic(false), later), "must-enrol", "an expired bypass is gone");
        a.locked_until = Some(later);
        assert_eq!(a.status(&clinic(false), NOW), "locked");
        a.disabled = true;
        assert_eq!(a.status(&clinic(false), NOW), "disabled");
    }

    #[test]
    fn an_override_with_an_end_is_clinic_default_from_that_moment() {
        let end = NOW.plus_seconds(3600);
        let exempt = Account { policy: Policy::Exempt, policy_until: Some(end), ..account() };
        assert!(!exempt.requires_2fa(&clinic(true), NOW));
        assert_eq!(exempt.override_until(NOW), Some(end));
        assert!(exempt.requires_2fa(&clinic(true), end), "ended at its moment exactly");
        assert_eq!(exempt.policy_at(end), Policy::ClinicDefault);
        assert_eq!(exempt.override_until(end), None);
        let required = Account { policy: Policy::Required, ..exempt };
        assert!(required.requires_2fa(&clinic(false), NOW));
        assert!(!required.requires_2fa(&clinic(false), end));
    }

    #[test]
    fn the_enrolment_grace_runs_from_when_2fa_began_to_apply() {
        use crate::domain::fixtures::clinic_for;
        use crate::domain::settings::Requirement;
        let day = 86_400;
        let rule_at = NOW.plus_seconds(2 * day);
        let mut c = clinic_for(Requirement::Everyone);
        c.enrol_grace_days = 14;
        c.reaches_staff_since = Some(rule_at);
        c.reaches_admins_since = Some(rule_at);
        let alice = account(); // made at NOW, before the rule
        let due = rule_at.plus_seconds(14 * day);
        assert_eq!(alice.required_since(&c, rule_at), Some(rule_at));
        assert_eq!(alice.enrolment_due(&c, rule_at), Some(due));
        assert_eq!(alice.enrolment_due(&c, due), None, "over at its moment");
        // Made after the rule: from its making.
        let later = Account { created_at: rule_at.plus_seconds(day), ..account() };
        assert_eq!(
            later.enrolment_due(&c, later.created_at),
            Some(later.created_at.plus_seconds(14 * day))
        );
        // Set to required by hand: from then.
        let set_at = NOW.plus_seconds(day);
        let required =
            Account { policy: Policy::Required, policy_since: Some(set_at), ..account() };
        assert_eq!(required.required_since(&clinic_for(Requirement::Nobody), set_at), Some(set_at));
        // Made an admin under admins-only: from the change of role.
        let mut admins = clinic_for(Requirement::Admins);
        admins.enrol_grace_days = 14;
        admins.reaches_admins_since = Some(NOW);
        let promoted = Account { role: Role::Admin, role_since: Some(rule_at), ..account() };
        assert_eq!(promoted.required_since(&admins, rule_at), Some(rule_at));
        // Never after a spent bypass; none when no grace is set or nothing is owed.
        assert_eq!(Account { grace_forfeited: true, ..account() }.enrolment_due(&c, rule_at), None);
        assert_eq!(Account { enrolled: true, ..account() }.enrolment_due(&c, rule_at), None);
        assert_eq!(account().enrolment_due(&clinic(true), NOW), None, "grace 0: none");
    }

    /// The review's case: grace 7 days, `require-2fa on` on day 0, refused on day 8;
    /// no change that never stopped the requirement gives a fresh grace.
    #[test]
    fn a_change_that_never_stopped_the_requirement_does_not_restart_the_grace() {
        use crate::domain::fixtures::clinic_for;
        use crate::domain::settings::Requirement;
        let day = 86_400;
        let (day0, day8) = (NOW.plus_seconds(day), NOW.plus_seconds(9 * day));
        let mut on = clinic_for(Requirement::Everyone);
        on.enrol_grace_days = 7;
        on.reaches_staff_since = Some(day0);
        on.reaches_admins_since = Some(day0);
        // Made before the rule, on the clinic default (marked then: 2FA did not apply).
        let mut alice = account();
        alice.requirement_mark = Some(Mark { at: NOW, since: None });
        assert_eq!(alice.enrolment_due(&on, day8), None, "refused on day 8");
        let changed = |before: &Account, after: Account, clinic: &Clinic| {
            let mark = Mark::after_change(Some(before), &after, clinic, day8);
            Account { requirement_mark: Some(mark), ..after }
        };
        // Set to required by hand, or back to the clinic default: still refused.
        let required = changed(&alice, Account { policy: Policy::Required, ..alice.clone() }, &on);
        assert_eq!(required.required_since(&on, day8), Some(day0));
        assert_eq!(required.enrolment_due(&on, day8), None);
        let back =
            changed(&required, Account { policy: Policy::ClinicDefault, ..required.clone() }, &on);
        assert_eq!(back.enrolment_due(&on, day8), None);
        // Promoted to admin, then the rule moved to admins-only (admins reached all
        // along): still refused.
        let promoted = changed(&alice, Account { role: Role::Admin, ..alice.clone() }, &on);
        let mut admins = on.clone();
        admins.require_2fa_for = Requirement::Admins;
        admins.reaches_staff_since = None;
        assert_eq!(promoted.enrolment_due(&admins, day8), None);
        assert_eq!(promoted.required_since(&admins, day8), Some(day0));
        // A change that starts the requirement does start a grace: exempt → required.
        let exempt = Account { policy: Policy::Exempt, ..alice.clone() };
        let exempt = Account { requirement_mark: Some(Mark { at: NOW, since: None }), ..exempt };
        let started = changed(&exempt, Account { policy: Policy::Required, ..exempt.clone() }, &on);
        assert_eq!(started.enrolment_due(&on, day8), Some(day8.plus_seconds(7 * day)));
        // An exemption that ends by the clock starts it then; a requirement of one's own
        // that ends while the rule already applies does not restart it.
        let ends = day0.plus_seconds(3 * day);
        let timed_exempt = Account { policy_until: Some(ends), ..exempt.clone() };
        assert_eq!(timed_exempt.required_since(&on, day8), Some(ends));
        let mut own = alice.clone();
        own.policy = Policy::Required;
        own.policy_until = Some(ends);
        own.requirement_mark = Some(Mark { at: NOW, since: Some(NOW) });
        assert_eq!(own.required_since(&on, day8), Some(NOW));
        // The rule switched off and on again after the mark: a fresh start.
        let mut again = on.clone();
        again.reaches_staff_since = Some(day8);
        assert_eq!(alice.required_since(&again, day8), Some(day8));
    }

    #[test]
    fn a_disabled_account_owes_no_enrolment_until_enabled() {
        let mut a = account();
        assert!(a.needs_enrolment(&clinic(true), NOW));
        a.disabled = true;
        assert!(!a.needs_enrolment(&clinic(true), NOW));
        assert!(a.requires_2fa(&clinic(true), NOW), "2FA still applies to it");
    }
}
