
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'clinic2fa' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'clinic2fa'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'clinic2fa' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the clinic''s database and its key file (the only command that does)')
            [CompletionResult]::new('clinic', 'clinic', [CompletionResultType]::ParameterValue, 'Show and change the clinic''s settings')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Add and manage staff accounts')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in as a member of staff (password, then a code if 2FA applies)')
            [CompletionResult]::new('enrol', 'enrol', [CompletionResultType]::ParameterValue, 'Set up an authenticator app (shows a QR code), or confirm one with --confirm')
            [CompletionResult]::new('unenrol', 'unenrol', [CompletionResultType]::ParameterValue, 'Remove one of your authenticators (--device), or all of them (2FA off): needs a current code from any of them, or a recovery code')
            [CompletionResult]::new('recovery-codes', 'recovery-codes', [CompletionResultType]::ParameterValue, 'Issue a fresh set of recovery codes; the old ones stop working')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change your own password: the current one, a code if enrolled, then the new one')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit trail (table, an array with --json, or CSV with --csv), or verify it')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Compliance at a glance: who must enrol, who is exempt, bypasses, lockouts')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a consistent copy of the database to FILE (mode 0600), while others work')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Work with the key file')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Move the whole database to another engine or place')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the sign-in service: the machine''s logins (PAM, over a Unix socket) and the clinic''s applications (HTTP API) sign staff in through it, with the rules of `login`')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'The applications allowed to call the sign-in service''s HTTP API')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) on stdout, or write every command''s page to a folder')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;init' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The clinic''s name, shown as the issuer in authenticator apps [default: Clinic]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;clinic' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the clinic''s name, whether 2FA is required clinic-wide, and all settings')
            [CompletionResult]::new('set-name', 'set-name', [CompletionResultType]::ParameterValue, 'Set the clinic''s name: the issuer shown in authenticator apps (no '':'')')
            [CompletionResult]::new('require-2fa', 'require-2fa', [CompletionResultType]::ParameterValue, 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one of the clinic''s settings (each is described in `clinic set --help`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;clinic;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;clinic;set-name' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;clinic;require-2fa' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List who would have to enrol at their next login, and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;clinic;set' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;clinic;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the clinic''s name, whether 2FA is required clinic-wide, and all settings')
            [CompletionResult]::new('set-name', 'set-name', [CompletionResultType]::ParameterValue, 'Set the clinic''s name: the issuer shown in authenticator apps (no '':'')')
            [CompletionResult]::new('require-2fa', 'require-2fa', [CompletionResultType]::ParameterValue, 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one of the clinic''s settings (each is described in `clinic set --help`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;clinic;help;show' {
            break
        }
        'clinic2fa;clinic;help;set-name' {
            break
        }
        'clinic2fa;clinic;help;require-2fa' {
            break
        }
        'clinic2fa;clinic;help;set' {
            break
        }
        'clinic2fa;clinic;help;help' {
            break
        }
        'clinic2fa;user' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an account')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the accounts: a table, an array with --json, or CSV with --csv')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Whether 2FA is required for this person and why, and what their next login asks')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete an account (asks to confirm)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Stop an account from signing in')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a disabled account sign in again')
            [CompletionResult]::new('set-password', 'set-password', [CompletionResultType]::ParameterValue, 'Reset someone''s password (admin)')
            [CompletionResult]::new('set-name', 'set-name', [CompletionResultType]::ParameterValue, 'Change the person''s full name (an empty NAME clears it)')
            [CompletionResult]::new('enrol-link', 'enrol-link', [CompletionResultType]::ParameterValue, 'A one-time link to the sign-in service''s enrolment page, to send to the person')
            [CompletionResult]::new('set-role', 'set-role', [CompletionResultType]::ParameterValue, 'Change an account''s role')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Clear a lockout (and the count of failed sign-ins)')
            [CompletionResult]::new('2fa', '2fa', [CompletionResultType]::ParameterValue, 'The per-user "Two-factor auth" setting, and the person''s authenticators')
            [CompletionResult]::new('grant-bypass', 'grant-bypass', [CompletionResultType]::ParameterValue, 'Let someone who lost their phone sign in once without 2FA')
            [CompletionResult]::new('revoke-bypass', 'revoke-bypass', [CompletionResultType]::ParameterValue, 'Withdraw a pending one-time bypass')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add many accounts from a CSV or JSON file, all or none')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;user;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The person''s full name')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The account''s role')
            [CompletionResult]::new('--2fa', '--2fa', [CompletionResultType]::ParameterName, 'The per-user "Two-factor auth" setting')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;list' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Only this role')
            [CompletionResult]::new('--inactive', '--inactive', [CompletionResultType]::ParameterName, 'Only accounts with no sign-in for this long (never signed in: since they were made), like 90d or 12w')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--needs-enrolment', '--needs-enrolment', [CompletionResultType]::ParameterName, 'Only people for whom 2FA is required but who have not set it up')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Only locked accounts')
            [CompletionResult]::new('--bypass-pending', '--bypass-pending', [CompletionResultType]::ParameterName, 'Only accounts with a pending one-time bypass')
            [CompletionResult]::new('--exempt', '--exempt', [CompletionResultType]::ParameterName, 'Only accounts whose per-user setting is exempt')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'CSV for spreadsheets, with a header line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;explain' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask; required under --no-input')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;disable' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;enable' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;set-password' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;set-name' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;enrol-link' {
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the link works, like 24h or 3d (at most 7d)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;user;set-role' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;unlock' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;2fa' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The person''s authenticators: name, when added, when last used')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;user;2fa;set' {
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'With required or exempt: revert to clinic-default by itself at WHEN, a date (2026-12-31), an RFC 3339 time, or a duration from now (30d, 12w). Without it, any end date is cleared')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;2fa;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;2fa;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;2fa;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The person''s authenticators: name, when added, when last used')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;user;2fa;help;set' {
            break
        }
        'clinic2fa;user;2fa;help;list' {
            break
        }
        'clinic2fa;user;2fa;help;remove' {
            break
        }
        'clinic2fa;user;2fa;help;help' {
            break
        }
        'clinic2fa;user;grant-bypass' {
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long it stays usable: 90s, 30m, 24h, 7d (1 minute to 7 days) [default: bypass-hours]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;user;revoke-bypass' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;user;import' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The file''s format [default: from its extension]')
            [CompletionResult]::new('--passwords-out', '--passwords-out', [CompletionResultType]::ParameterName, 'Where to write the temporary passwords (mode 0600, never overwritten); needed when any row has no password')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the file and say what would happen, changing nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;user;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an account')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the accounts: a table, an array with --json, or CSV with --csv')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Whether 2FA is required for this person and why, and what their next login asks')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete an account (asks to confirm)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Stop an account from signing in')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a disabled account sign in again')
            [CompletionResult]::new('set-password', 'set-password', [CompletionResultType]::ParameterValue, 'Reset someone''s password (admin)')
            [CompletionResult]::new('set-name', 'set-name', [CompletionResultType]::ParameterValue, 'Change the person''s full name (an empty NAME clears it)')
            [CompletionResult]::new('enrol-link', 'enrol-link', [CompletionResultType]::ParameterValue, 'A one-time link to the sign-in service''s enrolment page, to send to the person')
            [CompletionResult]::new('set-role', 'set-role', [CompletionResultType]::ParameterValue, 'Change an account''s role')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Clear a lockout (and the count of failed sign-ins)')
            [CompletionResult]::new('2fa', '2fa', [CompletionResultType]::ParameterValue, 'The per-user "Two-factor auth" setting, and the person''s authenticators')
            [CompletionResult]::new('grant-bypass', 'grant-bypass', [CompletionResultType]::ParameterValue, 'Let someone who lost their phone sign in once without 2FA')
            [CompletionResult]::new('revoke-bypass', 'revoke-bypass', [CompletionResultType]::ParameterValue, 'Withdraw a pending one-time bypass')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add many accounts from a CSV or JSON file, all or none')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;user;help;add' {
            break
        }
        'clinic2fa;user;help;list' {
            break
        }
        'clinic2fa;user;help;explain' {
            break
        }
        'clinic2fa;user;help;show' {
            break
        }
        'clinic2fa;user;help;remove' {
            break
        }
        'clinic2fa;user;help;disable' {
            break
        }
        'clinic2fa;user;help;enable' {
            break
        }
        'clinic2fa;user;help;set-password' {
            break
        }
        'clinic2fa;user;help;set-name' {
            break
        }
        'clinic2fa;user;help;enrol-link' {
            break
        }
        'clinic2fa;user;help;set-role' {
            break
        }
        'clinic2fa;user;help;unlock' {
            break
        }
        'clinic2fa;user;help;2fa' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The person''s authenticators: name, when added, when last used')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)')
            break
        }
        'clinic2fa;user;help;2fa;set' {
            break
        }
        'clinic2fa;user;help;2fa;list' {
            break
        }
        'clinic2fa;user;help;2fa;remove' {
            break
        }
        'clinic2fa;user;help;grant-bypass' {
            break
        }
        'clinic2fa;user;help;revoke-bypass' {
            break
        }
        'clinic2fa;user;help;import' {
            break
        }
        'clinic2fa;user;help;help' {
            break
        }
        'clinic2fa;login' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'A 6-digit code from the authenticator app')
            [CompletionResult]::new('--recovery-code', '--recovery-code', [CompletionResultType]::ParameterName, 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;enrol' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'A 6-digit code from the authenticator app')
            [CompletionResult]::new('--recovery-code', '--recovery-code', [CompletionResultType]::ParameterName, 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list')
            [CompletionResult]::new('--confirm', '--confirm', [CompletionResultType]::ParameterName, 'Finish an enrolment: a code from the newly added app')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'Which authenticator to set up: a new name adds one beside the others (at most 5), an existing one''s name replaces it [default: phone]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;unenrol' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'A 6-digit code from the authenticator app')
            [CompletionResult]::new('--recovery-code', '--recovery-code', [CompletionResultType]::ParameterName, 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'Remove only this authenticator, leaving the others and the recovery codes [default: all of them, and the recovery codes]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;recovery-codes' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'A 6-digit code from the authenticator app')
            [CompletionResult]::new('--recovery-code', '--recovery-code', [CompletionResultType]::ParameterName, 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;passwd' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'A 6-digit code from the authenticator app')
            [CompletionResult]::new('--recovery-code', '--recovery-code', [CompletionResultType]::ParameterName, 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin instead of prompting')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;audit' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only entries by or about this account')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only entries from this time on: a duration back from now (1d, 12h), RFC 3339 (2026-11-27T09:00:00Z) or a date (2026-11-27)')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Only entries of this action (login, user.grant-bypass, enrol.confirm, ...)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Only the most recent N entries')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'CSV for spreadsheets, with a header line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the trail''s current head, to write down or send off the machine')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;audit;verify' {
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'Also check that the trail still holds this head, written down earlier from `audit head` (exit 1 if it was cut off, rolled back or rewritten since)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;audit;head' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;audit;help' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the trail''s current head, to write down or send off the machine')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;audit;help;verify' {
            break
        }
        'clinic2fa;audit;help;head' {
            break
        }
        'clinic2fa;audit;help;help' {
            break
        }
        'clinic2fa;report' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'One CSV line per account, with its status, for spreadsheets')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;backup' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;key' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;key;rotate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;key;help' {
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;key;help;rotate' {
            break
        }
        'clinic2fa;key;help;help' {
            break
        }
        'clinic2fa;db' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;db;copy' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'A SQLite path that does not exist yet, or a postgres:// URL of an empty database')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;db;help' {
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;db;help;copy' {
            break
        }
        'clinic2fa;db;help;help' {
            break
        }
        'clinic2fa;serve' {
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'The Unix socket the PAM module signs people in through')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Serve the HTTP API at this address and port (e.g. 127.0.0.1:8443)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'The TLS certificate chain (PEM) for --listen')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The TLS private key (PEM) for --listen')
            [CompletionResult]::new('--max-concurrent', '--max-concurrent', [CompletionResultType]::ParameterName, 'How many password checks run at once (default: the number of cores); callers beyond it wait in a bounded queue, then are told the service is busy')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The address staff reach this service''s enrolment page at (e.g. https://signin.example.org): kept as the clinic''s public-url, which `user enrol-link` links start with')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clinic2fa;client' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The applications allowed to call the HTTP API')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Withdraw an application''s token: it stops working at once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;client;add' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;client;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;client;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;client;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The applications allowed to call the HTTP API')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Withdraw an application''s token: it stops working at once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;client;help;add' {
            break
        }
        'clinic2fa;client;help;list' {
            break
        }
        'clinic2fa;client;help;remove' {
            break
        }
        'clinic2fa;client;help;help' {
            break
        }
        'clinic2fa;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write clinic2fa.1 and a page for each subcommand (clinic2fa-user-add.1, ...) into this folder, made if missing, e.g. ~/.local/share/man/man1')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'The key file [default: the database''s path with .key added; for a postgres:// URL, one named by the clinic''s id in $XDG_DATA_HOME/clinic2fa]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured under auto)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON document on stdout; messages go to stderr')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt (implied when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clinic2fa;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the clinic''s database and its key file (the only command that does)')
            [CompletionResult]::new('clinic', 'clinic', [CompletionResultType]::ParameterValue, 'Show and change the clinic''s settings')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Add and manage staff accounts')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in as a member of staff (password, then a code if 2FA applies)')
            [CompletionResult]::new('enrol', 'enrol', [CompletionResultType]::ParameterValue, 'Set up an authenticator app (shows a QR code), or confirm one with --confirm')
            [CompletionResult]::new('unenrol', 'unenrol', [CompletionResultType]::ParameterValue, 'Remove one of your authenticators (--device), or all of them (2FA off): needs a current code from any of them, or a recovery code')
            [CompletionResult]::new('recovery-codes', 'recovery-codes', [CompletionResultType]::ParameterValue, 'Issue a fresh set of recovery codes; the old ones stop working')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change your own password: the current one, a code if enrolled, then the new one')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit trail (table, an array with --json, or CSV with --csv), or verify it')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Compliance at a glance: who must enrol, who is exempt, bypasses, lockouts')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a consistent copy of the database to FILE (mode 0600), while others work')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Work with the key file')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Move the whole database to another engine or place')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the sign-in service: the machine''s logins (PAM, over a Unix socket) and the clinic''s applications (HTTP API) sign staff in through it, with the rules of `login`')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'The applications allowed to call the sign-in service''s HTTP API')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) on stdout, or write every command''s page to a folder')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clinic2fa;help;init' {
            break
        }
        'clinic2fa;help;clinic' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the clinic''s name, whether 2FA is required clinic-wide, and all settings')
            [CompletionResult]::new('set-name', 'set-name', [CompletionResultType]::ParameterValue, 'Set the clinic''s name: the issuer shown in authenticator apps (no '':'')')
            [CompletionResult]::new('require-2fa', 'require-2fa', [CompletionResultType]::ParameterValue, 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one of the clinic''s settings (each is described in `clinic set --help`)')
            break
        }
        'clinic2fa;help;clinic;show' {
            break
        }
        'clinic2fa;help;clinic;set-name' {
            break
        }
        'clinic2fa;help;clinic;require-2fa' {
            break
        }
        'clinic2fa;help;clinic;set' {
            break
        }
        'clinic2fa;help;user' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an account')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the accounts: a table, an array with --json, or CSV with --csv')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Whether 2FA is required for this person and why, and what their next login asks')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete an account (asks to confirm)')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Stop an account from signing in')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a disabled account sign in again')
            [CompletionResult]::new('set-password', 'set-password', [CompletionResultType]::ParameterValue, 'Reset someone''s password (admin)')
            [CompletionResult]::new('set-name', 'set-name', [CompletionResultType]::ParameterValue, 'Change the person''s full name (an empty NAME clears it)')
            [CompletionResult]::new('enrol-link', 'enrol-link', [CompletionResultType]::ParameterValue, 'A one-time link to the sign-in service''s enrolment page, to send to the person')
            [CompletionResult]::new('set-role', 'set-role', [CompletionResultType]::ParameterValue, 'Change an account''s role')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Clear a lockout (and the count of failed sign-ins)')
            [CompletionResult]::new('2fa', '2fa', [CompletionResultType]::ParameterValue, 'The per-user "Two-factor auth" setting, and the person''s authenticators')
            [CompletionResult]::new('grant-bypass', 'grant-bypass', [CompletionResultType]::ParameterValue, 'Let someone who lost their phone sign in once without 2FA')
            [CompletionResult]::new('revoke-bypass', 'revoke-bypass', [CompletionResultType]::ParameterValue, 'Withdraw a pending one-time bypass')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add many accounts from a CSV or JSON file, all or none')
            break
        }
        'clinic2fa;help;user;add' {
            break
        }
        'clinic2fa;help;user;list' {
            break
        }
        'clinic2fa;help;user;explain' {
            break
        }
        'clinic2fa;help;user;show' {
            break
        }
        'clinic2fa;help;user;remove' {
            break
        }
        'clinic2fa;help;user;disable' {
            break
        }
        'clinic2fa;help;user;enable' {
            break
        }
        'clinic2fa;help;user;set-password' {
            break
        }
        'clinic2fa;help;user;set-name' {
            break
        }
        'clinic2fa;help;user;enrol-link' {
            break
        }
        'clinic2fa;help;user;set-role' {
            break
        }
        'clinic2fa;help;user;unlock' {
            break
        }
        'clinic2fa;help;user;2fa' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The person''s authenticators: name, when added, when last used')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)')
            break
        }
        'clinic2fa;help;user;2fa;set' {
            break
        }
        'clinic2fa;help;user;2fa;list' {
            break
        }
        'clinic2fa;help;user;2fa;remove' {
            break
        }
        'clinic2fa;help;user;grant-bypass' {
            break
        }
        'clinic2fa;help;user;revoke-bypass' {
            break
        }
        'clinic2fa;help;user;import' {
            break
        }
        'clinic2fa;help;login' {
            break
        }
        'clinic2fa;help;enrol' {
            break
        }
        'clinic2fa;help;unenrol' {
            break
        }
        'clinic2fa;help;recovery-codes' {
            break
        }
        'clinic2fa;help;passwd' {
            break
        }
        'clinic2fa;help;audit' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the trail''s current head, to write down or send off the machine')
            break
        }
        'clinic2fa;help;audit;verify' {
            break
        }
        'clinic2fa;help;audit;head' {
            break
        }
        'clinic2fa;help;report' {
            break
        }
        'clinic2fa;help;backup' {
            break
        }
        'clinic2fa;help;key' {
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy')
            break
        }
        'clinic2fa;help;key;rotate' {
            break
        }
        'clinic2fa;help;db' {
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both')
            break
        }
        'clinic2fa;help;db;copy' {
            break
        }
        'clinic2fa;help;serve' {
            break
        }
        'clinic2fa;help;client' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The applications allowed to call the HTTP API')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Withdraw an application''s token: it stops working at once')
            break
        }
        'clinic2fa;help;client;add' {
            break
        }
        'clinic2fa;help;client;list' {
            break
        }
        'clinic2fa;help;client;remove' {
            break
        }
        'clinic2fa;help;man' {
            break
        }
        'clinic2fa;help;completions' {
            break
        }
        'clinic2fa;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
