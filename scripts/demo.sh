#!/usr/bin/env bash
# The newcomer's first minute: set up (idempotent), then `netops demo` on the reference network.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/netops demo "$@"
