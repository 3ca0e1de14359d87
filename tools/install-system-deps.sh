#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: chromium (browser tests, driven by the playwright pip
# package; never a downloaded browser), bubblewrap (sandboxed grading), postgresql (multi-grader gradebook) and
# nginx (`nginx -t` on the JupyterHub guide's reverse proxy).
# Quick when they are present. Needs root or sudo; otherwise says what to run.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)  # deploy/README.md's proxy
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "The tests need these Debian packages: ${need[*]}." >&2
  echo "Install them as root:  apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
