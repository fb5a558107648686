#!/usr/bin/env bash
# Set up netops (idempotent) and run its main job on the reference district network.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/netops inventory validate inventory/district
.venv/bin/netops inventory show inventory/district
