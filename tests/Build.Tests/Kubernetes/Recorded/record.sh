#!/usr/bin/env bash
# Records what the real kubectl prints for pods, events and a crashed container's log in every state the rollout
# diagnosis explains, from the simulated cluster (tests/ClusterSim, which copies the kubelet's reasons and messages;
# its README says from where). RolloutDiagnosisTests read the files. Needs a Docker daemon and kubectl:
#   tests/Build.Tests/Kubernetes/Recorded/record.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
COINPILOT_SIM_HOME="$(mktemp -d)"
export COINPILOT_SIM_HOME
work="$(mktemp -d)"
eval "$("$root/scripts/simulated-minikube.sh" start --kubelet-backoff-ms 500)"
trap '"$root/scripts/simulated-minikube.sh" stop; rm -rf "$COINPILOT_SIM_HOME" "$work"; docker rmi -f rec-crash:1 rec-hang:1 rec-once:1 >/dev/null 2>&1 || true' EXIT

image() { # name, Dockerfile lines...
  local name="$1"; shift
  mkdir -p "$work/$name"; echo "$name" >"$work/$name/x"
  { echo "FROM scratch"; echo "COPY x /x"; printf '%s\n' "$@"; } >"$work/$name/Dockerfile"
  docker build -q -t "rec-$name:1" "$work/$name" >/dev/null
  minikube image load --daemon "rec-$name:1"
}
image crash 'LABEL io.clustersim.exit-code="1"' 'LABEL io.clustersim.log="config: reading /etc/bot/config.yaml\npanic: config missing"'
image hang 'LABEL io.clustersim.start=never'
image once 'LABEL io.clustersim.exit-code="1"' 'LABEL io.clustersim.fail-starts="1"' 'LABEL io.clustersim.log="first start: cache cold\nlistening on :8080"'

ns=recorded
kubectl create namespace "$ns" >/dev/null
deployment() { # name, image, pull policy, extra container JSON
  cat <<JSON | kubectl -n "$ns" apply -f - >/dev/null
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"$1"},
 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"$1"}},
  "template":{"metadata":{"labels":{"app":"$1"}},
   "spec":{"containers":[{"name":"$1","image":"$2","imagePullPolicy":"$3"${4:-}}]}}}}
JSON
}
deployment crash rec-crash:1 IfNotPresent
deployment never rec-missing:1 Never
deployment pull rec-missing:2 IfNotPresent
deployment hang rec-hang:1 IfNotPresent
deployment secret rec-crash:1 IfNotPresent ',"env":[{"name":"API_KEY","valueFrom":{"secretKeyRef":{"name":"bot-env","key":"API_KEY"}}}]'
deployment unschedulable rec-hang:1 IfNotPresent ',"resources":{"requests":{"cpu":"8"}}'
deployment invalid 'coinpilot/Bot:v1' IfNotPresent
deployment once rec-once:1 IfNotPresent

# Until every pod shows the state it is here for (the crash after its second restart).
for _ in $(seq 1 300); do
  kubectl -n "$ns" get pods -o json >"$work/pods.json"
  if python3 - "$work/pods.json" <<'PY'
import json, sys
pods = {p["metadata"]["labels"]["app"]: p for p in json.load(open(sys.argv[1]))["items"]}
def waiting(app):
    s = (pods.get(app, {}).get("status", {}).get("containerStatuses") or [{}])[0]
    return (s.get("state", {}).get("waiting") or {}).get("reason"), s.get("restartCount", 0)
def unscheduled(app):
    return any(c.get("reason") == "Unschedulable" for c in pods.get(app, {}).get("status", {}).get("conditions", []))
ok = (waiting("crash")[0] == "CrashLoopBackOff" and waiting("crash")[1] >= 2
      and waiting("never")[0] == "ErrImageNeverPull" and waiting("pull")[0] == "ImagePullBackOff"
      and waiting("hang")[0] == "ContainerCreating" and waiting("secret")[0] == "CreateContainerConfigError"
      and waiting("invalid")[0] == "InvalidImageName" and unscheduled("unschedulable")
      and waiting("once") == (None, 1)
      and "running" in pods["once"]["status"]["containerStatuses"][0]["state"])
sys.exit(0 if ok else 1)
PY
  then break; fi
  sleep 0.2
done

# Stable names and times, so a rerun changes only what the cluster says.
python3 - "$work/pods.json" >"$here/pods.json" <<'PY'
import json, sys
print(json.dumps(json.load(open(sys.argv[1])), indent=2))
PY
kubectl -n "$ns" get events -o json >"$here/events.json"
crash="$(kubectl -n "$ns" get pods -l app=crash -o jsonpath='{.items[0].metadata.name}')"
kubectl -n "$ns" logs "$crash" --container=crash --previous --tail=10 >"$here/crash.previous.log"
echo "recorded into $here (crash pod $crash)" >&2
