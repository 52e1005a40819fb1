#!/usr/bin/env bash
# The examples build FROM busybox:1.35. A machine without internet cannot pull it, so this makes that
# image locally from Debian's busybox-static 1.35 (the static binary and its applet links), unless the daemon
# already has it. On a connected machine docker pulls the real one and this script is not needed.
set -euo pipefail

image="${1:-busybox:1.35}"
if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi

busybox=/bin/busybox
if ! "$busybox" --help 2>&1 | head -n 1 | grep -q BusyBox || ldd "$busybox" >/dev/null 2>&1; then
  echo "need a static busybox at $busybox: apt-get install busybox-static" >&2
  exit 1
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/www"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
tar -C "$root" -c . | docker import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - "$image" >/dev/null
echo "seeded $image from Debian's busybox-static" >&2
