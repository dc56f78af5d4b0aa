# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_clinic2fa_global_optspecs
    string join \n db= key-file= json no-input color= h/help V/version
end

function __fish_clinic2fa_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_clinic2fa_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_clinic2fa_using_subcommand
    set -l cmd (__fish_clinic2fa_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -s V -l version -d 'Print version'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "init" -d 'Create the clinic\'s database and its key file (the only command that does)'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "clinic" -d 'Show and change the clinic\'s settings'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "user" -d 'Add and manage staff accounts'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "login" -d 'Sign in as a member of staff (password, then a code if 2FA applies)'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "enrol" -d 'Set up an authenticator app (shows a QR code), or confirm one with --confirm'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "unenrol" -d 'Remove one of your authenticators (--device), or all of them (2FA off): needs a current code from any of them, or a recovery code'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "recovery-codes" -d 'Issue a fresh set of recovery codes; the old ones stop working'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "passwd" -d 'Change your own password: the current one, a code if enrolled, then the new one'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "audit" -d 'Show the audit trail (table, an array with --json, or CSV with --csv), or verify it'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "report" -d 'Compliance at a glance: who must enrol, who is exempt, bypasses, lockouts'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "backup" -d 'Write a consistent copy of the database to FILE (mode 0600), while others work'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "key" -d 'Work with the key file'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "db" -d 'Move the whole database to another engine or place'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "serve" -d 'Run the sign-in service: the machine\'s logins (PAM, over a Unix socket) and the clinic\'s applications (HTTP API) sign staff in through it, with the rules of `login`'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "client" -d 'The applications allowed to call the sign-in service\'s HTTP API'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "man" -d 'Print the man page (roff) on stdout, or write every command\'s page to a folder'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "completions" -d 'Print a shell completion script on stdout'
complete -c clinic2fa -n "__fish_clinic2fa_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand init" -l name -d 'The clinic\'s name, shown as the issuer in authenticator apps [default: Clinic]' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand init" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand init" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand init" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand init" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand init" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -f -a "show" -d 'Show the clinic\'s name, whether 2FA is required clinic-wide, and all settings'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -f -a "set-name" -d 'Set the clinic\'s name: the issuer shown in authenticator apps (no \':\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -f -a "require-2fa" -d 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -f -a "set" -d 'Change one of the clinic\'s settings (each is described in `clinic set --help`)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and not __fish_seen_subcommand_from show set-name require-2fa set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from show" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from show" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set-name" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set-name" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set-name" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set-name" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set-name" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set-name" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from require-2fa" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from require-2fa" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from require-2fa" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from require-2fa" -l dry-run -d 'List who would have to enrol at their next login, and change nothing'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from require-2fa" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from require-2fa" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from require-2fa" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the clinic\'s name, whether 2FA is required clinic-wide, and all settings'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from help" -f -a "set-name" -d 'Set the clinic\'s name: the issuer shown in authenticator apps (no \':\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from help" -f -a "require-2fa" -d 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change one of the clinic\'s settings (each is described in `clinic set --help`)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand clinic; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "add" -d 'Add an account'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "list" -d 'List the accounts: a table, an array with --json, or CSV with --csv'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "explain" -d 'Whether 2FA is required for this person and why, and what their next login asks'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "show" -d 'Show one account'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "remove" -d 'Delete an account (asks to confirm)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "disable" -d 'Stop an account from signing in'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "enable" -d 'Let a disabled account sign in again'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "set-password" -d 'Reset someone\'s password (admin)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "set-name" -d 'Change the person\'s full name (an empty NAME clears it)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "enrol-link" -d 'A one-time link to the sign-in service\'s enrolment page, to send to the person'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "set-role" -d 'Change an account\'s role'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "unlock" -d 'Clear a lockout (and the count of failed sign-ins)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "2fa" -d 'The per-user "Two-factor auth" setting, and the person\'s authenticators'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "grant-bypass" -d 'Let someone who lost their phone sign in once without 2FA'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "revoke-bypass" -d 'Withdraw a pending one-time bypass'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "import" -d 'Add many accounts from a CSV or JSON file, all or none'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and not __fish_seen_subcommand_from add list explain show remove disable enable set-password set-name enrol-link set-role unlock 2fa grant-bypass revoke-bypass import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l name -d 'The person\'s full name' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l role -d 'The account\'s role' -r -f -a "staff\t''
admin\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l 2fa -d 'The per-user "Two-factor auth" setting' -r -f -a "clinic-default\t''
required\t''
exempt\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from the first line of stdin instead of prompting'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l role -d 'Only this role' -r -f -a "staff\t''
admin\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l inactive -d 'Only accounts with no sign-in for this long (never signed in: since they were made), like 90d or 12w' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l needs-enrolment -d 'Only people for whom 2FA is required but who have not set it up'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l locked -d 'Only locked accounts'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l bypass-pending -d 'Only accounts with a pending one-time bypass'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l exempt -d 'Only accounts whose per-user setting is exempt'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l csv -d 'CSV for spreadsheets, with a header line'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from explain" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from explain" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from explain" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from explain" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from explain" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from explain" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from show" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from show" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from show" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from remove" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from remove" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from remove" -l yes -d 'Do not ask; required under --no-input'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from remove" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from remove" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from disable" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from disable" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from disable" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from disable" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from disable" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enable" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enable" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enable" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enable" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enable" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-password" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-password" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-password" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-password" -l password-stdin -d 'Read the password from the first line of stdin instead of prompting'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-password" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-password" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-password" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-name" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-name" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-name" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-name" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-name" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-name" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enrol-link" -l expires-in -d 'How long the link works, like 24h or 3d (at most 7d)' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enrol-link" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enrol-link" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enrol-link" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enrol-link" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enrol-link" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from enrol-link" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-role" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-role" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-role" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-role" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-role" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from set-role" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from unlock" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from unlock" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from unlock" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from unlock" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from unlock" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from unlock" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -f -a "set" -d 'Set whether 2FA follows the clinic (clinic-default), or is required or exempt for this person whatever the clinic-wide setting'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -f -a "list" -d 'The person\'s authenticators: name, when added, when last used'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -f -a "remove" -d 'Remove one authenticator of a person who lost that device, leaving their others and their per-user setting as they are (the last one takes the recovery codes with it)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from 2fa" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from grant-bypass" -l expires-in -d 'How long it stays usable: 90s, 30m, 24h, 7d (1 minute to 7 days) [default: bypass-hours]' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from grant-bypass" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from grant-bypass" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from grant-bypass" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from grant-bypass" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from grant-bypass" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from grant-bypass" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from revoke-bypass" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from revoke-bypass" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from revoke-bypass" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from revoke-bypass" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from revoke-bypass" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from revoke-bypass" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -l format -d 'The file\'s format [default: from its extension]' -r -f -a "csv\t''
json\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -l passwords-out -d 'Where to write the temporary passwords (mode 0600, never overwritten); needed when any row has no password' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -l dry-run -d 'Check the file and say what would happen, changing nothing'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add an account'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the accounts: a table, an array with --json, or CSV with --csv'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "explain" -d 'Whether 2FA is required for this person and why, and what their next login asks'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one account'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Delete an account (asks to confirm)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Stop an account from signing in'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Let a disabled account sign in again'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "set-password" -d 'Reset someone\'s password (admin)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "set-name" -d 'Change the person\'s full name (an empty NAME clears it)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "enrol-link" -d 'A one-time link to the sign-in service\'s enrolment page, to send to the person'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "set-role" -d 'Change an account\'s role'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "unlock" -d 'Clear a lockout (and the count of failed sign-ins)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "2fa" -d 'The per-user "Two-factor auth" setting, and the person\'s authenticators'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "grant-bypass" -d 'Let someone who lost their phone sign in once without 2FA'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "revoke-bypass" -d 'Withdraw a pending one-time bypass'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "import" -d 'Add many accounts from a CSV or JSON file, all or none'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -l code -d 'A 6-digit code from the authenticator app' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -l recovery-code -d 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -l password-stdin -d 'Read the password from the first line of stdin instead of prompting'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand login" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l code -d 'A 6-digit code from the authenticator app' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l recovery-code -d 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l confirm -d 'Finish an enrolment: a code from the newly added app' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l device -d 'Which authenticator to set up: a new name adds one beside the others (at most 5), an existing one\'s name replaces it [default: phone]' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l password-stdin -d 'Read the password from the first line of stdin instead of prompting'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand enrol" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l code -d 'A 6-digit code from the authenticator app' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l recovery-code -d 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l device -d 'Remove only this authenticator, leaving the others and the recovery codes [default: all of them, and the recovery codes]' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l password-stdin -d 'Read the password from the first line of stdin instead of prompting'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand unenrol" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -l code -d 'A 6-digit code from the authenticator app' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -l recovery-code -d 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -l password-stdin -d 'Read the password from the first line of stdin instead of prompting'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand recovery-codes" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -l code -d 'A 6-digit code from the authenticator app' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -l recovery-code -d 'One of the recovery codes issued at enrolment (each works once); `-` reads it from the next line of stdin, keeping it out of the process list' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -l password-stdin -d 'Read the password from the first line of stdin instead of prompting'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand passwd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l user -d 'Only entries by or about this account' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l since -d 'Only entries from this time on: a duration back from now (1d, 12h), RFC 3339 (2026-11-27T09:00:00Z) or a date (2026-11-27)' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l action -d 'Only entries of this action (login, user.grant-bypass, enrol.confirm, ...)' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l limit -d 'Only the most recent N entries' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l csv -d 'CSV for spreadsheets, with a header line'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -f -a "verify" -d 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -f -a "head" -d 'Print the trail\'s current head, to write down or send off the machine'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and not __fish_seen_subcommand_from verify head help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from verify" -l head -d 'Also check that the trail still holds this head, written down earlier from `audit head` (exit 1 if it was cut off, rolled back or rewritten since)' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from verify" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from verify" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from verify" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from verify" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from verify" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from head" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from head" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from head" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from head" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from head" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from head" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "head" -d 'Print the trail\'s current head, to write down or send off the machine'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand report" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand report" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand report" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand report" -l csv -d 'One CSV line per account, with its status, for spreadsheets'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand report" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand report" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand report" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand backup" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand backup" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand backup" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand backup" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand backup" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and not __fish_seen_subcommand_from rotate help" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and not __fish_seen_subcommand_from rotate help" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and not __fish_seen_subcommand_from rotate help" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and not __fish_seen_subcommand_from rotate help" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and not __fish_seen_subcommand_from rotate help" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and not __fish_seen_subcommand_from rotate help" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and not __fish_seen_subcommand_from rotate help" -f -a "rotate" -d 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and not __fish_seen_subcommand_from rotate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and __fish_seen_subcommand_from rotate" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and __fish_seen_subcommand_from rotate" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and __fish_seen_subcommand_from rotate" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and __fish_seen_subcommand_from rotate" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and __fish_seen_subcommand_from rotate" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and not __fish_seen_subcommand_from copy help" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and not __fish_seen_subcommand_from copy help" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and not __fish_seen_subcommand_from copy help" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and not __fish_seen_subcommand_from copy help" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and not __fish_seen_subcommand_from copy help" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and not __fish_seen_subcommand_from copy help" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and not __fish_seen_subcommand_from copy help" -f -a "copy" -d 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and not __fish_seen_subcommand_from copy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from copy" -l to -d 'A SQLite path that does not exist yet, or a postgres:// URL of an empty database' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from copy" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from copy" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from copy" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from copy" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from copy" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l socket -d 'The Unix socket the PAM module signs people in through' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l listen -d 'Serve the HTTP API at this address and port (e.g. 127.0.0.1:8443)' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l tls-cert -d 'The TLS certificate chain (PEM) for --listen' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l tls-key -d 'The TLS private key (PEM) for --listen' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l max-concurrent -d 'How many password checks run at once (default: the number of cores); callers beyond it wait in a bounded queue, then are told the service is busy' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l public-url -d 'The address staff reach this service\'s enrolment page at (e.g. https://signin.example.org): kept as the clinic\'s public-url, which `user enrol-link` links start with' -r
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -f -a "add" -d 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -f -a "list" -d 'The applications allowed to call the HTTP API'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -f -a "remove" -d 'Withdraw an application\'s token: it stops working at once'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and not __fish_seen_subcommand_from add list remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from add" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from add" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from add" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from add" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from add" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from list" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from list" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from remove" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from remove" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from remove" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from remove" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from help" -f -a "add" -d 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from help" -f -a "list" -d 'The applications allowed to call the HTTP API'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Withdraw an application\'s token: it stops working at once'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand client; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand man" -l dir -d 'Write clinic2fa.1 and a page for each subcommand (clinic2fa-user-add.1, ...) into this folder, made if missing, e.g. ~/.local/share/man/man1' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand man" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand man" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand man" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand man" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand man" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand man" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand completions" -l db -d 'The SQLite file, or a postgres:// URL [default: $XDG_DATA_HOME/clinic2fa/clinic2fa.db]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand completions" -l key-file -d 'The key file [default: the database\'s path with .key added; for a postgres:// URL, one named by the clinic\'s id in $XDG_DATA_HOME/clinic2fa]' -r -F
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured under auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand completions" -l json -d 'Print exactly one JSON document on stdout; messages go to stderr'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand completions" -l no-input -d 'Never prompt (implied when stdin is not a terminal)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand completions" -s h -l help -d 'Print help'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "init" -d 'Create the clinic\'s database and its key file (the only command that does)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "clinic" -d 'Show and change the clinic\'s settings'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "user" -d 'Add and manage staff accounts'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "login" -d 'Sign in as a member of staff (password, then a code if 2FA applies)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "enrol" -d 'Set up an authenticator app (shows a QR code), or confirm one with --confirm'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "unenrol" -d 'Remove one of your authenticators (--device), or all of them (2FA off): needs a current code from any of them, or a recovery code'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "recovery-codes" -d 'Issue a fresh set of recovery codes; the old ones stop working'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "passwd" -d 'Change your own password: the current one, a code if enrolled, then the new one'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "audit" -d 'Show the audit trail (table, an array with --json, or CSV with --csv), or verify it'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "report" -d 'Compliance at a glance: who must enrol, who is exempt, bypasses, lockouts'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "backup" -d 'Write a consistent copy of the database to FILE (mode 0600), while others work'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "key" -d 'Work with the key file'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "db" -d 'Move the whole database to another engine or place'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "serve" -d 'Run the sign-in service: the machine\'s logins (PAM, over a Unix socket) and the clinic\'s applications (HTTP API) sign staff in through it, with the rules of `login`'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "client" -d 'The applications allowed to call the sign-in service\'s HTTP API'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "man" -d 'Print the man page (roff) on stdout, or write every command\'s page to a folder'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "completions" -d 'Print a shell completion script on stdout'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and not __fish_seen_subcommand_from init clinic user login enrol unenrol recovery-codes passwd audit report backup key db serve client man completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from clinic" -f -a "show" -d 'Show the clinic\'s name, whether 2FA is required clinic-wide, and all settings'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from clinic" -f -a "set-name" -d 'Set the clinic\'s name: the issuer shown in authenticator apps (no \':\')'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from clinic" -f -a "require-2fa" -d 'Require two-factor authentication clinic-wide: of everyone, only of admins, or of nobody'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from clinic" -f -a "set" -d 'Change one of the clinic\'s settings (each is described in `clinic set --help`)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "add" -d 'Add an account'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "list" -d 'List the accounts: a table, an array with --json, or CSV with --csv'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "explain" -d 'Whether 2FA is required for this person and why, and what their next login asks'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "show" -d 'Show one account'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "remove" -d 'Delete an account (asks to confirm)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "disable" -d 'Stop an account from signing in'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "enable" -d 'Let a disabled account sign in again'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "set-password" -d 'Reset someone\'s password (admin)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "set-name" -d 'Change the person\'s full name (an empty NAME clears it)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "enrol-link" -d 'A one-time link to the sign-in service\'s enrolment page, to send to the person'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "set-role" -d 'Change an account\'s role'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "unlock" -d 'Clear a lockout (and the count of failed sign-ins)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "2fa" -d 'The per-user "Two-factor auth" setting, and the person\'s authenticators'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "grant-bypass" -d 'Let someone who lost their phone sign in once without 2FA'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "revoke-bypass" -d 'Withdraw a pending one-time bypass'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "import" -d 'Add many accounts from a CSV or JSON file, all or none'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check that no entry was altered, inserted or deleted (exit 1 naming the first)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "head" -d 'Print the trail\'s current head, to write down or send off the machine'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "rotate" -d 'Make a new key: every secret re-encrypted and the audit trail re-sealed in one transaction; the old key file is kept, renamed, for you to destroy'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "copy" -d 'Copy the database named by --db, from one consistent snapshot taken while others write, to a new SQLite file or an empty PostgreSQL database: accounts, authenticators, recovery codes, pending bypasses and enrolments, settings and the whole audit trail. The same key file opens both'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from client" -f -a "add" -d 'Allow an application to call the HTTP API: prints its token once (only a hash of it is kept)'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from client" -f -a "list" -d 'The applications allowed to call the HTTP API'
complete -c clinic2fa -n "__fish_clinic2fa_using_subcommand help; and __fish_seen_subcommand_from client" -f -a "remove" -d 'Withdraw an application\'s token: it stops working at once'
