#!/usr/bin/env bash
# Starts the simulated minikube profile the tests use (tests/ClusterSim: a minikube CLI and a Kubernetes API
# server on 127.0.0.1, driven by the real kubectl and docker) in the background, and prints the lines that
# point the shell at it. No real container runs; see tests/ClusterSim/README.md.
#   eval "$(scripts/simulated-minikube.sh)"                              start (or reuse) it; export PATH, KUBECONFIG, MINIKUBE_HOME
#   eval "$(scripts/simulated-minikube.sh start --node-runtime docker)"  the node runs a real dockerd (needs root), so
#                                                                        eval "$(minikube docker-env)" works; build FROM busybox:1.35
#                                                                        after scripts/seed-base-image.sh seeded it there
#   scripts/simulated-minikube.sh start --kind remote --context shared-dev   a cluster that is no minikube profile
#   scripts/simulated-minikube.sh start --minikube-latency real          each minikube call takes what the real one takes
#                                                                        (docker driver; see tests/ClusterSim/README.md)
#   scripts/simulated-minikube.sh stop                                   stop it (and its dockerd)
# Options after "start" go to `ClusterSim serve` (also --container-runtime docker|containerd|cri-o, --profile NAME).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${COINPILOT_SIM_HOME:-${TMPDIR:-/tmp}/coinpilot-simulated-minikube}"
pidfile="$home/clustersim.pid"
envfile="$home/clustersim.env"
argsfile="$home/clustersim.args"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

command="${1:-start}"
[ $# -gt 0 ] && shift
case "$command" in
  stop)
    if running; then
      pid="$(cat "$pidfile")"
      kill "$pid"
      # The cluster stops its dockerd before it exits: wait for that, up to 60 s.
      for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile" "$envfile" "$argsfile"
    exit 0
    ;;
  start) ;;
  *) echo "usage: $0 [start [serve options] | stop]" >&2; exit 2 ;;
esac

if running; then
  if [ "$(cat "$argsfile" 2>/dev/null)" != "$*" ]; then
    echo "a simulated cluster already runs with options '$(cat "$argsfile" 2>/dev/null)'; run '$0 stop' first" >&2
    exit 1
  fi
else
  mkdir -p "$home"
  rm -f "$envfile"
  dotnet build "$root/tests/ClusterSim/ClusterSim.csproj" --nologo -v quiet >/dev/null
  # setsid: the cluster outlives this script and ignores the terminal's Ctrl-C; stop it with "stop".
  setsid dotnet "$root/tests/ClusterSim/bin/Debug/net10.0/ClusterSim.dll" serve --minikube-home "$home" "$@" \
    >"$envfile.partial" 2>"$home/clustersim.log" </dev/null &
  echo $! >"$pidfile"
  printf '%s' "$*" >"$argsfile"
  # A node dockerd takes a few seconds to start: wait up to 2 minutes.
  for _ in $(seq 1 1200); do
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
