#!/usr/bin/env bash
# Set up netops on a fresh Debian 12 / Ubuntu machine: the system packages netops and its
# tests drive for real (net-snmp, OpenSSH, PostgreSQL, pgBackRest, Prometheus, Alertmanager,
# snmp_exporter, VictoriaMetrics, Chromium), then a virtualenv (.venv) with netops installed.
# Idempotent: a second run installs nothing new. No service is started here.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  git snmp snmpd snmptrapd openssh-server openssh-client postgresql pgbackrest
  prometheus prometheus-alertmanager prometheus-snmp-exporter victoria-metrics chromium
  fonts-wqy-microhei
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  # --no-upgrade keeps the image's PostgreSQL minor version; no recommends keeps it small
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-upgrade --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"setup: netops needs Python >= 3.11, this is {sys.version.split()[0]} (set PYTHON=...)")
PY
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.netops-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi
# fake-switches (a Cisco IOS switch simulator) for the cisco_ios SSH tests, in its own venv:
# it pins a 2016 Twisted, so it goes in with --no-deps plus what it really needs
FAKE=.venv-fakeswitches
if ! "$FAKE/bin/python" -c "import fake_switches, twisted.conch" 2>/dev/null; then
  "$PYTHON" -m venv "$FAKE"
  "$FAKE/bin/pip" install -q --disable-pip-version-check --no-deps fake-switches==1.5.0
  "$FAKE/bin/pip" install -q --disable-pip-version-check --no-warn-conflicts \
    "Twisted[conch]==26.10.0" tftpy==0.8.7 netaddr==1.3.0 lxml==6.1.3
fi
echo "setup: ready (.venv/bin/netops)"
