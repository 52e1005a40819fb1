#!/usr/bin/env bash
# Runs the Cake Frosting build in build/ with every argument unchanged: ./build.sh --target=Redeploy
#
# The build is compiled only when something that goes into it changed (its sources and project files,
# Directory.Build.props, global.json, or the installed .NET SDKs); otherwise the compiled build runs
# directly, which saves the ~2 s of MSBuild that `dotnet run` costs on every start. It is published
# precompiled (ReadyToRun), which nearly halves its own start-up.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
output="$root/build/bin/publish"
stamp="$output/.inputs.stamp"
inputs=("$root/build" "$root/global.json" "$root/Directory.Build.props")

# What the compiled build depends on besides file contents: the SDKs installed (installing or removing one may
# change what global.json selects) and the list of input files (so adding, removing or renaming one is seen).
key() {
  local dotnet
  dotnet="$(command -v dotnet)" || { echo "build.sh: dotnet is not on PATH; install the .NET SDK named in global.json" >&2; exit 1; }
  dotnet="$(readlink -f "$dotnet")"
  printf '%s\n' "$dotnet"
  ls -1 "$(dirname "$dotnet")/sdk" 2>/dev/null || true
  find "${inputs[@]}" \( -name bin -o -name obj \) -prune -o -type f -print | LC_ALL=C sort
}

up_to_date() {
  [ -f "$stamp" ] && [ -f "$output/Build.dll" ] || return 1
  [ "$(key)" = "$(cat "$stamp")" ] || return 1
  # Any input file changed after the stamp was written?
  [ -z "$(find "${inputs[@]}" \( -name bin -o -name obj \) -prune -o -type f -newer "$stamp" -print -quit)" ]
}

if ! up_to_date; then
  # dotnet publish, like the build, needs a writable temporary directory; without one NuGet retries forever.
  tmp="${TMPDIR:-/tmp}"
  if ! probe="$(mktemp "$tmp/.coinpilot-probe.XXXXXX" 2>/dev/null)"; then
    echo "build.sh: cannot write to $tmp (TMPDIR): point TMPDIR at a writable directory" >&2
    exit 1
  fi
  rm -f "$probe"
  mkdir -p "$output"
  # Written before compiling: an edit made while the compiler runs is newer than the stamp, so it is seen.
  next="$(mktemp "$output/.inputs.stamp.XXXXXX")"
  key > "$next"
  echo "build.sh: compiling the build (its inputs changed)..." >&2
  publish=(dotnet publish "$root/build/Build.csproj" --nologo -v quiet -c Release --use-current-runtime --self-contained false -o "$output")
  # Without the ReadyToRun compiler package (an offline machine), a plain build still works, only slower to start.
  if ! log="$("${publish[@]}" 2>&1)" && ! log="$("${publish[@]}" -p:PublishReadyToRun=false 2>&1)"; then
    rm -f "$next"
    printf '%s\n' "$log" >&2
    echo "build.sh: compiling the build failed (see above)" >&2
    exit 1
  fi
  mv -f "$next" "$stamp"
fi

exec dotnet "$output/Build.dll" "$@"
