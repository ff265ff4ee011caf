# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_headroom_global_optspecs
    string join \n proc-root= sys-root= interval= sockets-via= kmsg= record= h/help V/version
end

function __fish_headroom_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_headroom_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_headroom_using_subcommand
    set -l cmd (__fish_headroom_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c headroom -n "__fish_headroom_needs_command" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_needs_command" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_needs_command" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_needs_command" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_needs_command" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_needs_command" -l record -d 'The dashboard records what it shows to this file from the start (`R` toggles it)' -r -F
complete -c headroom -n "__fish_headroom_needs_command" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_needs_command" -s V -l version -d 'Print version'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "record" -d 'Record raw snapshots to FILE (see docs/recording.md) until stopped or the span ends. An existing recording of this host is appended to; any other file is refused'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "export" -d 'Serve every limit as Prometheus metrics over HTTP (on loopback unless told otherwise)'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "replay" -d 'Play a recording back in the dashboard'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "report" -d 'What a recording saw: the limits that failed or came near, events, peaks and who caused them'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "snapshot" -d 'Print the limits report once and exit (plain text, or JSON with --json)'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "check" -d 'Check every limit the Nagios way: one status line with perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "completions" -d 'Print the completion script of a shell (bash, zsh, fish, elvish, powershell)'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "scan" -d 'Count entries per directory below PATH: which directory eats the inodes'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "why" -d 'Which limits can produce an error message (or errno name: EAGAIN, ENOSPC, EMFILE...), closest first, with what each holds now'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c headroom -n "__fish_headroom_using_subcommand record" -l samples -d 'Stop after N snapshots' -r
complete -c headroom -n "__fish_headroom_using_subcommand record" -l duration -d 'Stop after this long, e.g. 2h, 30m' -r
complete -c headroom -n "__fish_headroom_using_subcommand record" -l max-size -d 'Rotate the file (FILE.1, FILE.2…) before it grows past this size, e.g. 50M, 1G' -r
complete -c headroom -n "__fish_headroom_using_subcommand record" -l keep -d 'Rotated files kept with --max-size; 0 stops recording at the size instead' -r
complete -c headroom -n "__fish_headroom_using_subcommand record" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand record" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand record" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand record" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand record" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand record" -l force -d 'Overwrite FILE even when it is not a recording of this host'
complete -c headroom -n "__fish_headroom_using_subcommand record" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand export" -l listen -d 'Address to listen on; port 0 picks a free one' -r
complete -c headroom -n "__fish_headroom_using_subcommand export" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand export" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand export" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand export" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand export" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand export" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l speed -d 'Times faster than recorded, e.g. 10 to watch an hour in six minutes' -r
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l from -d 'With --json: start here (HH:MM[:SS] UTC on the recording\'s days, or RFC 3339)' -r
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l to -d 'With --json: stop after this time' -r
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand replay" -l json -d 'Print one JSON object a frame (the `snapshot --json` form) instead of the dashboard'
complete -c headroom -n "__fish_headroom_using_subcommand replay" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand report" -l html -d 'Also write the report as one self-contained HTML file with charts' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand report" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand report" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand report" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand report" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand report" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand report" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -l samples -d 'Take N readings --interval apart and report the last, so deltas are real' -r
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -l sysctl -d 'Rank the limits of a captured `sysctl -a` (FreeBSD or Linux) instead of this machine' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -l json -d 'One JSON object instead of text'
complete -c headroom -n "__fish_headroom_using_subcommand snapshot" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand check" -l warn -d 'WARNING at this percentage of any limit' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l crit -d 'CRITICAL at this percentage of any limit' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l samples -d 'Take N readings --interval apart, so a failure counter growing now is CRITICAL' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l sysctl -d 'Check the limits of a captured `sysctl -a` (FreeBSD or Linux) instead of this machine' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand check" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand check" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand check" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand check" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand check" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand completions" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l top -d 'How many directories to list' -r
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l threads -d 'Worker threads (default: two per core, 4 to 16)' -r
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l json -d 'Print JSON instead of a table'
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l bytes -d 'Also sum disk usage per directory (a stat per entry, slower)'
complete -c headroom -n "__fish_headroom_using_subcommand scan" -l all-fs -d 'Scan network and pseudo filesystems too'
complete -c headroom -n "__fish_headroom_using_subcommand scan" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand why" -l samples -d 'Take N readings --interval apart, so failures just now are seen' -r
complete -c headroom -n "__fish_headroom_using_subcommand why" -l proc-root -d 'Read the kernel\'s process files from this directory (a captured tree) instead of /proc' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand why" -l sys-root -d 'Read the kernel\'s system files from this directory instead of /sys' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand why" -l interval -d 'Time between readings, e.g. 1s, 500ms, 2s' -r
complete -c headroom -n "__fish_headroom_using_subcommand why" -l sockets-via -d 'How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback (auto), or only one of them' -r -f -a "auto\t''
netlink\t''
procfs\t''"
complete -c headroom -n "__fish_headroom_using_subcommand why" -l kmsg -d 'Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`) instead of /dev/kmsg' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand why" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "record" -d 'Record raw snapshots to FILE (see docs/recording.md) until stopped or the span ends. An existing recording of this host is appended to; any other file is refused'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "export" -d 'Serve every limit as Prometheus metrics over HTTP (on loopback unless told otherwise)'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "replay" -d 'Play a recording back in the dashboard'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "report" -d 'What a recording saw: the limits that failed or came near, events, peaks and who caused them'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "snapshot" -d 'Print the limits report once and exit (plain text, or JSON with --json)'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "check" -d 'Check every limit the Nagios way: one status line with perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "completions" -d 'Print the completion script of a shell (bash, zsh, fish, elvish, powershell)'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "scan" -d 'Count entries per directory below PATH: which directory eats the inodes'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "why" -d 'Which limits can produce an error message (or errno name: EAGAIN, ENOSPC, EMFILE...), closest first, with what each holds now'
complete -c headroom -n "__fish_headroom_using_subcommand help; and not __fish_seen_subcommand_from record export replay report snapshot check completions scan why help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
