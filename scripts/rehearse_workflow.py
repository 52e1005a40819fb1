"""Runs one GitHub Actions job's steps as a GitHub-hosted runner would; scripts/rehearse-github-workflow.sh sets the
stage (user, fresh clone, runner Docker) and calls this. Only what our workflows use is supported; anything else
(an unknown action, shell, expression or `if:`) stops the rehearsal, so it never passes by ignoring a step."""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
STAND_INS = {
    "actions/checkout": "the fresh clone is the workspace",
    "actions/setup-dotnet": "this machine's .NET SDK on PATH",
    "actions/cache": "nothing restored (a first run)",
    "medyagh/setup-minikube": "the simulated minikube (scripts/simulated-minikube.sh), started as the runner user",
}


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--repo", required=True)
    p.add_argument("--workflow", required=True)
    p.add_argument("--job", required=True)
    p.add_argument("--skip", default="")
    p.add_argument("--list", action="store_true")
    p.add_argument("--user")
    p.add_argument("--home")
    p.add_argument("--temp")
    p.add_argument("--runner-docker", default="")
    return p.parse_args()


def stand_in(uses):
    for prefix, what in STAND_INS.items():
        if uses.split("@")[0] == prefix:
            return prefix, what
    raise SystemExit(f"rehearse: no stand-in for action {uses}; teach scripts/rehearse_workflow.py one")


def expand(text, context):
    def value(match):
        name = match.group(1)
        if name not in context:
            raise SystemExit(f"rehearse: unsupported expression ${{{{ {name} }}}}")
        return context[name]
    return EXPRESSION.sub(value, text)


def should_run(step, failed):
    condition = str(step.get("if", "success()")).strip()
    condition = condition[3:-2].strip() if condition.startswith("${{") else condition
    if condition == "success()":
        return not failed
    if condition == "failure()":
        return failed
    if condition == "always()":
        return True
    raise SystemExit(f"rehearse: unsupported if: {condition}")


def read_env_file(path):
    """GITHUB_ENV: NAME=value lines and NAME<<DELIMITER blocks."""
    values = {}
    lines = open(path).read().splitlines() if os.path.exists(path) else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                block.append(lines[i])
                i += 1
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        i += 1
    return values


def main():
    a = parse()
    workflow = yaml.safe_load(open(os.path.join(a.repo, a.workflow)))
    job = workflow["jobs"][a.job]
    if not str(job.get("runs-on", "")).startswith("ubuntu"):
        raise SystemExit(f"rehearse: job {a.job} runs on {job.get('runs-on')}, not ubuntu")
    shell = (job.get("defaults") or workflow.get("defaults") or {}).get("run", {}).get("shell", "bash")
    skip = re.compile(a.skip) if a.skip else None
    steps = job["steps"]

    if a.list:
        for n, step in enumerate(steps, 1):
            name = step.get("name", step.get("uses", "run"))
            if skip and skip.search(name):
                how = "SKIPPED here (--skip)"
            elif "uses" in step:
                how = "stand-in: " + stand_in(step["uses"])[1]
            else:
                how = f"run: {step.get('shell', shell)}" + (f", if {step['if']}" if "if" in step else "")
            print(f"{n:2}. {name}  [{how}]")
        return 0

    workspace = a.repo
    os.makedirs(a.temp, exist_ok=True)
    shutil.chown(a.temp, a.user)
    files = {k: os.path.join(a.temp, f"_{k.lower()}") for k in ("GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT")}
    dotnet_dir = os.path.dirname(os.path.realpath(shutil.which("dotnet")))
    path = [os.path.expanduser(f"{a.home}/.dotnet/tools"), dotnet_dir, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
    env = {
        "HOME": a.home, "USER": a.user, "LOGNAME": a.user, "LANG": "C.UTF-8", "CI": "true", "GITHUB_ACTIONS": "true",
        "RUNNER_OS": "Linux", "RUNNER_TEMP": a.temp, "GITHUB_WORKSPACE": workspace, "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "1", "GITHUB_WORKFLOW": workflow.get("name", a.workflow), "DOTNET_ROOT": dotnet_dir, **files,
    }
    # The machine's own network set-up (its proxy and the CA bundle it trusts), as a runner has its own.
    for passed in ("NUGET_CERT_REVOCATION_MODE", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        if passed in os.environ:
            env[passed] = os.environ[passed]
    if a.runner_docker:
        env["DOCKER_HOST"] = a.runner_docker  # the runner's own Docker, the user in its group
    context = {"github.run_id": "4242", "github.run_attempt": "1", "runner.os": "Linux", "runner.temp": a.temp}
    env.update({k: expand(str(v), context) for k, v in (workflow.get("env") or {}).items()})
    env.update({k: expand(str(v), context) for k, v in (job.get("env") or {}).items()})

    def as_user(command, step_env, cwd):
        full = {**step_env, "PATH": ":".join(path)}
        return subprocess.run(["runuser", "-u", a.user, "--", "env", "-i", *[f"{k}={v}" for k, v in full.items()], *command], cwd=cwd).returncode

    failed = False
    results = []
    started_minikube = False
    for n, step in enumerate(steps, 1):
        name = step.get("name", step.get("uses", "run"))
        if skip and skip.search(name):
            results.append((name, "skipped (--skip)"))
            continue
        if not should_run(step, failed):
            results.append((name, "not run (if)"))
            continue
        for f in files.values():
            open(f, "a").close()
            shutil.chown(f, a.user)
        print(f"\n::: {n}. {name}", flush=True)
        step_env = {**env, **{k: expand(str(v), context) for k, v in (step.get("env") or {}).items()}}
        if "uses" in step:
            action, _ = stand_in(step["uses"])
            code = 0
            if action == "medyagh/setup-minikube":
                out = subprocess.run(["runuser", "-u", a.user, "--", "env", "-i", *[f"{k}={v}" for k, v in {**step_env, "PATH": ":".join(path),
                                      "COINPILOT_SIM_HOME": f"{a.home}/.minikube"}.items()],  # where setup-minikube puts it
                                      "bash", "scripts/simulated-minikube.sh"], cwd=workspace, capture_output=True, text=True)
                code = out.returncode
                sys.stderr.write(out.stderr)
                for line in out.stdout.splitlines():
                    words = shlex.split(line)
                    if len(words) != 2 or words[0] != "export" or "=" not in words[1]:
                        continue
                    variable, value = words[1].split("=", 1)
                    if variable == "PATH":
                        path[:0] = [p for p in value.split(":") if p and p not in path and "$" not in p]
                    else:
                        env[variable] = value
                started_minikube = code == 0
            elif action == "actions/setup-dotnet":
                code = as_user(["dotnet", "--version"], step_env, workspace)
        else:
            step_shell = step.get("shell", shell)
            if step_shell != "bash":
                raise SystemExit(f"rehearse: step {name}: shell {step_shell} is not supported on this runner")
            script = os.path.join(a.temp, f"step-{n}.sh")
            with open(script, "w") as f:
                f.write(expand(step["run"], context))
            shutil.chown(script, a.user)
            cwd = os.path.join(workspace, step.get("working-directory", "."))
            code = as_user(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], step_env, cwd)
        for name_value in read_env_file(files["GITHUB_ENV"]).items():
            env[name_value[0]] = name_value[1]
        if os.path.exists(files["GITHUB_PATH"]):
            path[:0] = [p for p in open(files["GITHUB_PATH"]).read().splitlines() if p]
        for f in ("GITHUB_ENV", "GITHUB_PATH"):
            open(files[f], "w").close()
        results.append((name, "passed" if code == 0 else f"FAILED (exit {code})"))
        failed = failed or code != 0

    if started_minikube:
        as_user(["bash", "scripts/simulated-minikube.sh", "stop"], {**env, "COINPILOT_SIM_HOME": f"{a.home}/.minikube"}, workspace)
    print("\nrehearse: steps")
    for name, outcome in results:
        print(f"  {outcome:20} {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
