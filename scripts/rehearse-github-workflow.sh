#!/usr/bin/env bash
# Runs a GitHub workflow job's steps here the way a GitHub-hosted ubuntu runner runs them: as a non-root user with
# passwordless sudo (created if missing), in a fresh clone of this repository's HEAD, each `run:` step in order as
# `bash --noprofile --norc -eo pipefail` with the workflow's and job's `env:`, GITHUB_ENV / GITHUB_PATH carried from
# step to step, `if: failure()` steps only after a failure. Needs root (it creates the user) and python3 with PyYAML.
#
#   sudo scripts/rehearse-github-workflow.sh                                   ci.yml, job test (runs .ci/run: ~10+ min of CPU)
#   sudo scripts/rehearse-github-workflow.sh .github/workflows/redeploy-e2e.yml redeploy
#   sudo scripts/rehearse-github-workflow.sh --list [WORKFLOW [JOB]]            only print the steps and what stands in for each
#
# `uses:` steps cannot run here; each known action has a stand-in: actions/checkout is the fresh clone,
# actions/setup-dotnet puts this machine's SDK on PATH, actions/cache restores nothing (a first run),
# medyagh/setup-minikube starts the simulated minikube (scripts/simulated-minikube.sh) as the runner user.
# For a job that uses minikube, the runner's own Docker (docker-ce, the user in the docker group) is a private
# dockerd whose socket belongs to the user's group, seeded with busybox:1.35 (GitHub would pull it).
# Steps the simulation cannot run are skipped by name with --skip REGEX (the e2e default: its docker-env steps,
# which need the node's own dockerd, root-owned here). Environment: REHEARSAL_USER (default ghrunner),
# REHEARSAL_KEEP=1 keeps the clone.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

list=0
skip=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --list) list=1 ;;
    --skip) skip="$2"; shift ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done
workflow="${args[0]:-.github/workflows/ci.yml}"
job="${args[1]:-test}"
workflow="$(cd "$repo" && realpath --relative-to=. "$workflow")"
if [ -z "$skip" ] && [[ "$workflow" == *redeploy-e2e.yml ]]; then
  skip="docker-env|minikube's Docker daemon|minikube's daemon"
fi

python3 -c 'import yaml' 2>/dev/null || { echo "rehearse: python3 with PyYAML is needed (apt-get install python3-yaml)" >&2; exit 1; }
if [ "$list" = 1 ]; then
  exec python3 "$repo/scripts/rehearse_workflow.py" --list --repo "$repo" --workflow "$workflow" --job "$job" --skip "$skip"
fi
[ "$(id -u)" = 0 ] || { echo "rehearse: run as root (it creates the runner user): sudo $0 $*" >&2; exit 1; }

user="${REHEARSAL_USER:-ghrunner}"
if ! command -v sudo >/dev/null; then # a GitHub runner has it
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sudo >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sudo >/dev/null; }
fi
mkdir -p /etc/sudoers.d
if ! id "$user" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash "$user"
fi
sudoers="/etc/sudoers.d/90-rehearsal-$user"
if [ ! -f "$sudoers" ]; then
  printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$user" >"$sudoers.tmp"
  chmod 0440 "$sudoers.tmp"
  visudo -cf "$sudoers.tmp" >/dev/null
  mv "$sudoers.tmp" "$sudoers"
fi
home="$(getent passwd "$user" | cut -d: -f6)"

# A fresh clone of HEAD, made by the user from a bundle (a clone of a repository another user owns is refused).
work="$(mktemp -d "$home/rehearsal.XXXXXX")"
chown "$user:" "$work"
git -C "$repo" bundle create -q "$work/source.bundle" HEAD
chown "$user:" "$work/source.bundle"
runuser -u "$user" -- git clone -q "$work/source.bundle" "$work/repo"
runuser -u "$user" -- git -C "$work/repo" -c advice.detachedHead=false checkout -q --detach "$(git -C "$repo" rev-parse HEAD)"
rm -f "$work/source.bundle"

# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ -n "${docker_pid:-}" ]; then
    kill "$docker_pid" 2>/dev/null || true
    wait "$docker_pid" 2>/dev/null || true
  fi
  if [ "${REHEARSAL_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

runner_docker=""
if grep -q 'setup-minikube' "$repo/$workflow"; then
  droot="$work/runner-docker"
  mkdir -p "$droot"
  runner_docker="unix://$droot/docker.sock"
  setsid dockerd --storage-driver=vfs --iptables=false --ip-masq=false --bridge=none \
    --data-root="$droot/data" --exec-root="$droot/exec" -H "$runner_docker" --pidfile "$droot/dockerd.pid" \
    --group "$(id -gn "$user")" >"$droot/dockerd.log" 2>&1 </dev/null &
  docker_pid=$!
  for _ in $(seq 1 100); do DOCKER_HOST="$runner_docker" docker version >/dev/null 2>&1 && break; sleep 0.2; done
  DOCKER_HOST="$runner_docker" "$repo/scripts/seed-base-image.sh" >/dev/null
fi

set +e
python3 "$repo/scripts/rehearse_workflow.py" --repo "$work/repo" --workflow "$workflow" --job "$job" --skip "$skip" \
  --user "$user" --home "$home" --temp "$work/runner-temp" --runner-docker "$runner_docker"
status=$?
set -e
echo "rehearse: $workflow job $job $( [ "$status" = 0 ] && echo passed || echo "FAILED (exit $status)" ) as $user in a fresh clone ($work/repo)"
exit "$status"
