#!/usr/bin/env bash
# Starts a private Docker daemon for the tests (Debian's docker.io, vfs storage, no networking) unless one
# already answers on its socket, and prints the DOCKER_HOST line to export. Needs root.
#   eval "$(scripts/start-test-docker.sh)"
set -euo pipefail

root="${COINPILOT_TEST_DOCKER_ROOT:-/var/tmp/coinpilot-test-docker}"
socket="$root/docker.sock"
export DOCKER_HOST="unix://$socket"

if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "export DOCKER_HOST=$DOCKER_HOST"
  exit 0
fi

command -v dockerd >/dev/null || { echo "dockerd is not installed: apt-get install docker.io" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "starting a Docker daemon needs root" >&2; exit 1; }

mkdir -p "$root"
rm -f "$socket" "$root/dockerd.pid"
# setsid: the daemon must outlive this script and must not get the terminal's Ctrl-C.
setsid dockerd \
  --storage-driver=vfs --iptables=false --ip-masq=false --bridge=none \
  --data-root="$root/data" --exec-root="$root/exec" \
  -H "$DOCKER_HOST" --pidfile "$root/dockerd.pid" \
  >"$root/dockerd.log" 2>&1 < /dev/null &

for _ in $(seq 1 100); do
  if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    echo "export DOCKER_HOST=$DOCKER_HOST"
    exit 0
  fi
  sleep 0.2
done
echo "the Docker daemon did not come up; see $root/dockerd.log:" >&2
tail -n 20 "$root/dockerd.log" >&2
exit 1
