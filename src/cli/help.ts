export const MAIN_HELP = `Usage: cat-litter-reminder <command> [flags]

Reminds the household to clean the cat litter box: an LED strip shows how long
ago it was cleaned, and a button press means "cleaned now".

Commands:
  run              run a node (the strip, the button, the state file, the cluster)
  status           show every node of the household and its time
  reset            "cleaned now" (or --at an earlier time) on every node
  history          the household's cleanings: when, after how long, where, how
  config           print the configuration in force (config check: validate it)
  household        the household key: new, show, join HOST[:PORT]
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
  --config PATH         the configuration file (YAML; every key: docs/configuration.md)
  --levels A,B,C,D      when settled, due soon, due now and overdue begin after a
                        cleaning, strictly increasing (default 8h,12h,24h,26h)
  --hardware auto|rpi|terminal|sim
                        rpi: WS2812 strip and GPIO button; terminal: the strip drawn in
                        this terminal (space = cleaned now, q = quit); sim: only log
                        records, a line "press" on stdin is a press. auto (default):
                        rpi where it works, else terminal on a terminal, else sim
  --state-file PATH     time of the last cleaning (RFC 3339, one line). Default:
                        $STATE_DIRECTORY/state, else
                        $XDG_STATE_HOME/cat-litter-reminder/state (~/.local/state)
  --quiet-hours HH:MM-HH:MM|off
                        the strip is dark in this local period (default 22:00-07:00;
                        may wrap midnight)
  --timezone ZONE       IANA time zone for quiet hours (default: the system's;
                        UTC when TZ is empty or names no zone)
  --leds N              number of LEDs on the strip, 1-1000 (default 10)
  --led-pin N           BCM GPIO of the strip's data line (default 18: PWM, needs
                        root); 10 drives it through SPI (/dev/spidev0.0, no root)
  --led-device PATH     the strip device of a Pi 5's ws2812-pio overlay (default:
                        /dev/leds0 where it exists, which then drives the strip)
  --button-pin N        BCM GPIO of the button, wired to ground (default 5; not 7-11
                        with --led-pin 10, which SPI0 takes)
  --brightness N        strip brightness 0-255 (default 255)
  --log-format json|pretty
                        json: one object per line on stdout (default when stdout is
                        not a terminal); pretty: for people
  --log-level LEVEL     trace|debug|info|warn|error|fatal|silent (default info)
  --name NAME           mDNS instance name (default: the host name and a short suffix
                        kept in the state file's directory)
  --port N              UDP port of the cluster (default 5300, as the original)
  --no-mdns             do not advertise or browse by mDNS: static peers only
  --http-port N         TCP port of the page and its JSON API, on every IPv4
                        interface (default 5380); open http://NAME.local:5380/
  --no-http             serve no page
  --peer HOST:PORT      a peer from the start that never expires (an IPv4 address or
                        host name): for networks that block multicast, and for
                        original nodes; repeatable
  --inspect [ws://HOST:PORT]
                        show the statecharts live in the Stately inspector: without a
                        value on stately.ai (needs internet; Stately prints the link),
                        with ws:// or wss:// through a WebSocket relay on your laptop
  --mqtt URL            join an MQTT broker: mqtt://[user@]host[:port] (1883), or
                        mqtts:// for TLS (8883): Home Assistant's entities, its
                        "Cleaned now", and the household's time shared with nodes
                        that UDP cannot reach. Without it nothing of MQTT is loaded
  --mqtt-password-file PATH
                        the broker password: the file's first line (systemd's
                        LoadCredential= fits); never in the URL
  --mqtt-topic PREFIX   the node's topics begin with it (default cat-litter-reminder)
  --ha-discovery PREFIX Home Assistant's discovery prefix (default homeassistant), or
                        off for none
  --household-key-file PATH
                        the household key (default: household.key beside the state
                        file); with one, only the household's nodes exchange the
                        history (cat-litter-reminder household --help)
  --no-household-originals
                        with a key, adopt no time from original nodes (without our
                        TXT record) over UDP; the --peer nodes are still taken
  --help                show this help

Every change of what the strip shows is logged as {"event":"led","color":"#rrggbb"}.
Exit status: 0 after a shutdown, 1 on a crash or when another node runs on the
state file's folder (one node a folder), 2 on a bad flag.
`;
