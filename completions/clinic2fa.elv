
use builtin;
use str;

set edit:completion:arg-completer[clinic2fa] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'clinic2fa'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'clinic2fa'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the clinic''s database and its key file (the only command that does)'
            cand clinic 'Show and change the clinic''s settings'
            cand user 'Add and manage staff accounts'
            cand login 'Sign in as a member of staff (password, then a code if 2FA applies)'
            cand enrol 'Set up an authenticator app (shows a QR code), or confirm one with --confirm'
            cand unenrol 'Remove one of your authenticators (--device), or all of them (2FA off): needs a current code from any of them, or a recovery code'
            cand recovery-codes 'Issue a fresh set of recovery codes; the old ones stop working'
            cand passwd 'Change your own password: the current one, a code if enrolled, then the new one'
            cand audit 'Show the audit trail (table, an array with --json, or CSV with --csv), or verify it'
            cand report 'Compliance at a glance: who must enrol, who is exempt, bypasses, lockouts'
            cand backup 'Write a consistent copy of the database to FILE (mode 0600), while others work'
            cand key 'Work with the key file'
            cand db 'Move the whole database to another engine or place'
            cand serve 'Run the sign-in service: the machine''s logins (PAM, over a Unix socket) and the clinic''s applications (HTTP API) sign staff in through it, with the rules of `login`'
            cand client 'The applications allowed to call the sign-in service''s HTTP API'
            cand man 'Print the man page (roff) on stdout, or write every command''s page to a folder'
            cand completions 'Print a shell completion script on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;init'= {
            cand --name 'The clinic''s name, shown as the issuer in authenticator apps [default: Clinic]'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;clinic'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'Show the clinic''s name, whether 2FA is required clinic-wide, and all settings'
            cand set-name 'Set the clinic''s name: the issuer shown in authenticator apps (no '':'')'
            cand require-2fa 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody'
            cand set 'Change one of the clinic''s settings (each is described in `clinic set --help`)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;clinic;show'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;clinic;set-name'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;clinic;require-2fa'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --dry-run 'List who would have to enrol at their next login, and change nothing'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;clinic;set'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;clinic;help'= {
            cand show 'Show the clinic''s name, whether 2FA is required clinic-wide, and all settings'
            cand set-name 'Set the clinic''s name: the issuer shown in authenticator apps (no '':'')'
            cand require-2fa 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody'
            cand set 'Change one of the clinic''s settings (each is described in `clinic set --help`)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;clinic;help;show'= {
        }
        &'clinic2fa;clinic;help;set-name'= {
        }
        &'clinic2fa;clinic;help;require-2fa'= {
        }
        &'clinic2fa;clinic;help;set'= {
        }
        &'clinic2fa;clinic;help;help'= {
        }
        &'clinic2fa;user'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Add an account'
            cand list 'List the accounts: a table, an array with --json, or CSV with --csv'
            cand explain 'Whether 2FA is required for this person and why, and what their next login asks'
            cand show 'Show one account'
            cand remove 'Delete an account (asks to confirm)'
            cand disable 'Stop an account from signing in'
            cand enable 'Let a disabled account sign in again'
            cand set-password 'Reset someone''s password (admin)'
            cand set-name 'Change the person''s full name (an empty NAME clears it)'
            cand enrol-link 'A one-time link to the sign-in service''s enrolment page, to send to the person'
            cand set-role 'Change an account''s role'
            cand unlock 'Clear a lockout (and the count of failed sign-ins)'
            cand 2fa 'The per-user "Two-factor auth" setting, and the person''s authenticators'
            cand grant-bypass 'Let someone who lost their phone sign in once without 2FA'
            cand revoke-bypass 'Withdraw a pending one-time bypass'
            cand import 'Add many accounts from a CSV or JSON file, all or none'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;user;add'= {
            cand --name 'The person''s full name'
            cand --role 'The account''s role'
            cand --2fa 'The per-user "Two-factor auth" setting'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --password-stdin 'Read the password from the first line of stdin instead of prompting'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;list'= {
            cand --role 'Only this role'
            cand --inactive 'Only accounts with no sign-in for this long (never signed in: since they were made), like 90d or 12w'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --needs-enrolment 'Only people for whom 2FA is required but who have not set it up'
            cand --locked 'Only locked accounts'
            cand --bypass-pending 'Only accounts with a pending one-time bypass'
            cand --exempt 'Only accounts whose per-user setting is exempt'
            cand --csv 'CSV for spreadsheets, with a header line'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;explain'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;show'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;remove'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --yes 'Do not ask; required under --no-input'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;disable'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;enable'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;set-password'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --password-stdin 'Read the password from the first line of stdin instead of prompting'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;set-name'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;enrol-link'= {
            cand --expires-in 'How long the link works, like 24h or 3d (at most 7d)'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;user;set-role'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;unlock'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;2fa'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand set 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting'
            cand list 'The person''s authenticators: name, when added, when last used'
            cand remove 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;user;2fa;set'= {
            cand --until 'With required or exempt: revert to clinic-default by itself at WHEN, a date (2026-12-31), an RFC 3339 time, or a duration from now (30d, 12w). Without it, any end date is cleared'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;2fa;list'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;2fa;remove'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;2fa;help'= {
            cand set 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting'
            cand list 'The person''s authenticators: name, when added, when last used'
            cand remove 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;user;2fa;help;set'= {
        }
        &'clinic2fa;user;2fa;help;list'= {
        }
        &'clinic2fa;user;2fa;help;remove'= {
        }
        &'clinic2fa;user;2fa;help;help'= {
        }
        &'clinic2fa;user;grant-bypass'= {
            cand --expires-in 'How long it stays usable: 90s, 30m, 24h, 7d (1 minute to 7 days) [default: bypass-hours]'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;user;revoke-bypass'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;user;import'= {
            cand --format 'The file''s format [default: from its extension]'
            cand --passwords-out 'Where to write the temporary passwords (mode 0600, never overwritten); needed when any row has no password'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --dry-run 'Check the file and say what would happen, changing nothing'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;user;help'= {
            cand add 'Add an account'
            cand list 'List the accounts: a table, an array with --json, or CSV with --csv'
            cand explain 'Whether 2FA is required for this person and why, and what their next login asks'
            cand show 'Show one account'
            cand remove 'Delete an account (asks to confirm)'
            cand disable 'Stop an account from signing in'
            cand enable 'Let a disabled account sign in again'
            cand set-password 'Reset someone''s password (admin)'
            cand set-name 'Change the person''s full name (an empty NAME clears it)'
            cand enrol-link 'A one-time link to the sign-in service''s enrolment page, to send to the person'
            cand set-role 'Change an account''s role'
            cand unlock 'Clear a lockout (and the count of failed sign-ins)'
            cand 2fa 'The per-user "Two-factor auth" setting, and the person''s authenticators'
            cand grant-bypass 'Let someone who lost their phone sign in once without 2FA'
            cand revoke-bypass 'Withdraw a pending one-time bypass'
            cand import 'Add many accounts from a CSV or JSON file, all or none'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;user;help;add'= {
        }
        &'clinic2fa;user;help;list'= {
        }
        &'clinic2fa;user;help;explain'= {
        }
        &'clinic2fa;user;help;show'= {
        }
        &'clinic2fa;user;help;remove'= {
        }
        &'clinic2fa;user;help;disable'= {
        }
        &'clinic2fa;user;help;enable'= {
        }
        &'clinic2fa;user;help;set-password'= {
        }
        &'clinic2fa;user;help;set-name'= {
        }
        &'clinic2fa;user;help;enrol-link'= {
        }
        &'clinic2fa;user;help;set-role'= {
        }
        &'clinic2fa;user;help;unlock'= {
        }
        &'clinic2fa;user;help;2fa'= {
            cand set 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting'
            cand list 'The person''s authenticators: name, when added, when last used'
            cand remove 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)'
        }
        &'clinic2fa;user;help;2fa;set'= {
        }
        &'clinic2fa;user;help;2fa;list'= {
        }
        &'clinic2fa;user;help;2fa;remove'= {
        }
        &'clinic2fa;user;help;grant-bypass'= {
        }
        &'clinic2fa;user;help;revoke-bypass'= {
        }
        &'clinic2fa;user;help;import'= {
        }
        &'clinic2fa;user;help;help'= {
        }
        &'clinic2fa;login'= {
            cand --code 'A 6-digit code from the authenticator app'
            cand --recovery-code 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --password-stdin 'Read the password from the first line of stdin instead of prompting'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;enrol'= {
            cand --code 'A 6-digit code from the authenticator app'
            cand --recovery-code 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list'
            cand --confirm 'Finish an enrolment: a code from the newly added app'
            cand --device 'Which authenticator to set up: a new name adds one beside the others (at most 5), an existing one''s name replaces it [default: phone]'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --password-stdin 'Read the password from the first line of stdin instead of prompting'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;unenrol'= {
            cand --code 'A 6-digit code from the authenticator app'
            cand --recovery-code 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list'
            cand --device 'Remove only this authenticator, leaving the others and the recovery codes [default: all of them, and the recovery codes]'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --password-stdin 'Read the password from the first line of stdin instead of prompting'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;recovery-codes'= {
            cand --code 'A 6-digit code from the authenticator app'
            cand --recovery-code 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --password-stdin 'Read the password from the first line of stdin instead of prompting'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;passwd'= {
            cand --code 'A 6-digit code from the authenticator app'
            cand --recovery-code 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --password-stdin 'Read the password from the first line of stdin instead of prompting'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;audit'= {
            cand --user 'Only entries by or about this account'
            cand --since 'Only entries from this time on: a duration back from now (1d, 12h), RFC 3339 (2026-11-27T09:00:00Z) or a date (2026-11-27)'
            cand --action 'Only entries of this action (login, user.grant-bypass, enrol.confirm, ...)'
            cand --limit 'Only the most recent N entries'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --csv 'CSV for spreadsheets, with a header line'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand verify 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)'
            cand head 'Print the trail''s current head, to write down or send off the machine'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;audit;verify'= {
            cand --head 'Also check that the trail still holds this head, written down earlier from `audit head` (exit 1 if it was cut off, rolled back or rewritten since)'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;audit;head'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;audit;help'= {
            cand verify 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)'
            cand head 'Print the trail''s current head, to write down or send off the machine'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;audit;help;verify'= {
        }
        &'clinic2fa;audit;help;head'= {
        }
        &'clinic2fa;audit;help;help'= {
        }
        &'clinic2fa;report'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --csv 'One CSV line per account, with its status, for spreadsheets'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;backup'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;key'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand rotate 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;key;rotate'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;key;help'= {
            cand rotate 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;key;help;rotate'= {
        }
        &'clinic2fa;key;help;help'= {
        }
        &'clinic2fa;db'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand copy 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;db;copy'= {
            cand --to 'A SQLite path that does not exist yet, or a postgres:// URL of an empty database'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;db;help'= {
            cand copy 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;db;help;copy'= {
        }
        &'clinic2fa;db;help;help'= {
        }
        &'clinic2fa;serve'= {
            cand --socket 'The Unix socket the PAM module signs people in through'
            cand --listen 'Serve the HTTP API at this address and port (e.g. 127.0.0.1:8443)'
            cand --tls-cert 'The TLS certificate chain (PEM) for --listen'
            cand --tls-key 'The TLS private key (PEM) for --listen'
            cand --max-concurrent 'How many password checks run at once (default: the number of cores); callers beyond it wait in a bounded queue, then are told the service is busy'
            cand --public-url 'The address staff reach this service''s enrolment page at (e.g. https://signin.example.org): kept as the clinic''s public-url, which `user enrol-link` links start with'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'clinic2fa;client'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)'
            cand list 'The applications allowed to call the HTTP API'
            cand remove 'Withdraw an application''s token: it stops working at once'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;client;add'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;client;list'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;client;remove'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;client;help'= {
            cand add 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)'
            cand list 'The applications allowed to call the HTTP API'
            cand remove 'Withdraw an application''s token: it stops working at once'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;client;help;add'= {
        }
        &'clinic2fa;client;help;list'= {
        }
        &'clinic2fa;client;help;remove'= {
        }
        &'clinic2fa;client;help;help'= {
        }
        &'clinic2fa;man'= {
            cand --dir 'Write clinic2fa.1 and a page for each subcommand (clinic2fa-user-add.1, ...) into this folder, made if missing, e.g. ~/.local/share/man/man1'
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;completions'= {
            cand --db 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]'
            cand --key-file 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]'
            cand --color 'When to use colour (NO_COLOR is honoured under auto)'
            cand --json 'Print exactly one JSON document on stdout; messages go to stderr'
            cand --no-input 'Never prompt (implied when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'clinic2fa;help'= {
            cand init 'Create the clinic''s database and its key file (the only command that does)'
            cand clinic 'Show and change the clinic''s settings'
            cand user 'Add and manage staff accounts'
            cand login 'Sign in as a member of staff (password, then a code if 2FA applies)'
            cand enrol 'Set up an authenticator app (shows a QR code), or confirm one with --confirm'
            cand unenrol 'Remove one of your authenticators (--device), or all of them (2FA off): needs a current code from any of them, or a recovery code'
            cand recovery-codes 'Issue a fresh set of recovery codes; the old ones stop working'
            cand passwd 'Change your own password: the current one, a code if enrolled, then the new one'
            cand audit 'Show the audit trail (table, an array with --json, or CSV with --csv), or verify it'
            cand report 'Compliance at a glance: who must enrol, who is exempt, bypasses, lockouts'
            cand backup 'Write a consistent copy of the database to FILE (mode 0600), while others work'
            cand key 'Work with the key file'
            cand db 'Move the whole database to another engine or place'
            cand serve 'Run the sign-in service: the machine''s logins (PAM, over a Unix socket) and the clinic''s applications (HTTP API) sign staff in through it, with the rules of `login`'
            cand client 'The applications allowed to call the sign-in service''s HTTP API'
            cand man 'Print the man page (roff) on stdout, or write every command''s page to a folder'
            cand completions 'Print a shell completion script on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'clinic2fa;help;init'= {
        }
        &'clinic2fa;help;clinic'= {
            cand show 'Show the clinic''s name, whether 2FA is required clinic-wide, and all settings'
            cand set-name 'Set the clinic''s name: the issuer shown in authenticator apps (no '':'')'
            cand require-2fa 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody'
            cand set 'Change one of the clinic''s settings (each is described in `clinic set --help`)'
        }
        &'clinic2fa;help;clinic;show'= {
        }
        &'clinic2fa;help;clinic;set-name'= {
        }
        &'clinic2fa;help;clinic;require-2fa'= {
        }
        &'clinic2fa;help;clinic;set'= {
        }
        &'clinic2fa;help;user'= {
            cand add 'Add an account'
            cand list 'List the accounts: a table, an array with --json, or CSV with --csv'
            cand explain 'Whether 2FA is required for this person and why, and what their next login asks'
            cand show 'Show one account'
            cand remove 'Delete an account (asks to confirm)'
            cand disable 'Stop an account from signing in'
            cand enable 'Let a disabled account sign in again'
            cand set-password 'Reset someone''s password (admin)'
            cand set-name 'Change the person''s full name (an empty NAME clears it)'
            cand enrol-link 'A one-time link to the sign-in service''s enrolment page, to send to the person'
            cand set-role 'Change an account''s role'
            cand unlock 'Clear a lockout (and the count of failed sign-ins)'
            cand 2fa 'The per-user "Two-factor auth" setting, and the person''s authenticators'
            cand grant-bypass 'Let someone who lost their phone sign in once without 2FA'
            cand revoke-bypass 'Withdraw a pending one-time bypass'
            cand import 'Add many accounts from a CSV or JSON file, all or none'
        }
        &'clinic2fa;help;user;add'= {
        }
        &'clinic2fa;help;user;list'= {
        }
        &'clinic2fa;help;user;explain'= {
        }
        &'clinic2fa;help;user;show'= {
        }
        &'clinic2fa;help;user;remove'= {
        }
        &'clinic2fa;help;user;disable'= {
        }
        &'clinic2fa;help;user;enable'= {
        }
        &'clinic2fa;help;user;set-password'= {
        }
        &'clinic2fa;help;user;set-name'= {
        }
        &'clinic2fa;help;user;enrol-link'= {
        }
        &'clinic2fa;help;user;set-role'= {
        }
        &'clinic2fa;help;user;unlock'= {
        }
        &'clinic2fa;help;user;2fa'= {
            cand set 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting'
            cand list 'The person''s authenticators: name, when added, when last used'
            cand remove 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)'
        }
        &'clinic2fa;help;user;2fa;set'= {
        }
        &'clinic2fa;help;user;2fa;list'= {
        }
        &'clinic2fa;help;user;2fa;remove'= {
        }
        &'clinic2fa;help;user;grant-bypass'= {
        }
        &'clinic2fa;help;user;revoke-bypass'= {
        }
        &'clinic2fa;help;user;import'= {
        }
        &'clinic2fa;help;login'= {
        }
        &'clinic2fa;help;enrol'= {
        }
        &'clinic2fa;help;unenrol'= {
        }
        &'clinic2fa;help;recovery-codes'= {
        }
        &'clinic2fa;help;passwd'= {
        }
        &'clinic2fa;help;audit'= {
            cand verify 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)'
            cand head 'Print the trail''s current head, to write down or send off the machine'
        }
        &'clinic2fa;help;audit;verify'= {
        }
        &'clinic2fa;help;audit;head'= {
        }
        &'clinic2fa;help;report'= {
        }
        &'clinic2fa;help;backup'= {
        }
        &'clinic2fa;help;key'= {
            cand rotate 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy'
        }
        &'clinic2fa;help;key;rotate'= {
        }
        &'clinic2fa;help;db'= {
            cand copy 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both'
        }
        &'clinic2fa;help;db;copy'= {
        }
        &'clinic2fa;help;serve'= {
        }
        &'clinic2fa;help;client'= {
            cand add 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)'
            cand list 'The applications allowed to call the HTTP API'
            cand remove 'Withdraw an application''s token: it stops working at once'
        }
        &'clinic2fa;help;client;add'= {
        }
        &'clinic2fa;help;client;list'= {
        }
        &'clinic2fa;help;client;remove'= {
        }
        &'clinic2fa;help;man'= {
        }
        &'clinic2fa;help;completions'= {
        }
        &'clinic2fa;help;help'= {
        }
    ]
    $completions[$command]
}
