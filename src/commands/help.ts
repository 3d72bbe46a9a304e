import { runFlagsHelp } from '../settings/run-help';

export const MAIN_HELP = `Usage: cat-litter-reminder <command> [flags]

Reminds the household to clean the cat litter box: an LED strip shows how long
ago it was cleaned, and a button press means "cleaned now".

Commands:
  run              run a node (the strip, the button, the state file, the cluster)
  status           show every node of the household and its time
  reset            "cleaned now" (or --at an earlier time) on every node
  undo             take back the last cleaning of a box, within the undo window
  history          the household's cleanings: when, after how long, where, how
  config           print the configuration in force (config check: validate it)
  notify test      send a test notification to every target (docs/notifications.md)
  install-service  install and enable the systemd unit that runs a node at boot

Flags:
  --help           show this help (also: cat-litter-reminder <command> --help)
  --version        print the version

Exit status: 0 on success, 1 when the command failed (see its --help), 2 on a bad
command line.
`;

export const RUN_HELP = `Usage: cat-litter-reminder run [flags]

Runs one node until SIGINT, SIGTERM or SIGQUIT (or q in the terminal drawing);
the strip ends dark and the node says its mDNS goodbye. A second signal during
shutdown exits at once.

Nodes find each other by mDNS (_cat._udp) and agree over UDP on the latest time
of a cleaning; original Rust nodes take part as they are.

Strip colours: light green < 8 h, dark green < 12 h, orange < 24 h, red < 26 h,
then blinking red (the hours are --levels); dim blue while the time of the last
cleaning is unknown.

Settings come from the flags, then the configuration file, then the defaults:
--config PATH, else /etc/cat-litter-reminder/config.yaml, else
$XDG_CONFIG_HOME/cat-litter-reminder/config.yaml (~/.config/…), when there.
SIGHUP reads the file again (systemctl reload).

Flags (a flag given twice: the last one wins):
${runFlagsHelp()}

Every change of what the strip shows is logged as {"event":"led","color":"#rrggbb"}.
Exit status: 0 after a shutdown, 1 on a crash or when another node runs on the
state file's folder (one node a folder), 2 on a bad flag.
`;
