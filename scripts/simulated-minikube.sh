#!/usr/bin/env bash
# Starts the simulated minikube profile the tests use (tests/ClusterSim: a minikube CLI and a Kubernetes API
# server on 127.0.0.1, driven by the real kubectl and docker) in the background, and prints the lines that
# point the shell at it. No real container runs; see tests/ClusterSim/README.md.
#   eval "$(scripts/simulated-minikube.sh)"        start (or reuse) it and export PATH, KUBECONFIG, MINIKUBE_HOME
#   scripts/simulated-minikube.sh stop             stop it
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${COINPILOT_SIM_HOME:-${TMPDIR:-/tmp}/coinpilot-simulated-minikube}"
pidfile="$home/clustersim.pid"
envfile="$home/clustersim.env"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

if [ "${1:-start}" = stop ]; then
  if running; then kill "$(cat "$pidfile")"; fi
  rm -f "$pidfile" "$envfile"
  exit 0
fi

if ! running; then
  mkdir -p "$home"
  rm -f "$envfile"
  dotnet build "$root/tests/ClusterSim/ClusterSim.csproj" --nologo -v quiet >/dev/null
  # setsid: the cluster outlives this script and ignores the terminal's Ctrl-C; stop it with "stop".
  setsid dotnet "$root/tests/ClusterSim/bin/Debug/net10.0/ClusterSim.dll" serve --minikube-home "$home" \
    >"$envfile.partial" 2>"$home/clustersim.log" </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do
    if grep -q '^export KUBECONFIG=' "$envfile.partial" 2>/dev/null && [ "$(grep -c '^export ' "$envfile.partial")" -ge 4 ]; then
      mv "$envfile.partial" "$envfile"
      break
    fi
    running || { cat "$home/clustersim.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -f "$envfile" ] || { echo "the simulated cluster did not start; see $home/clustersim.log" >&2; exit 1; }
fi

cat "$envfile"
