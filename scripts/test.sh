#!/usr/bin/env bash
# The test command: install dependencies, build, run every fast test (slow ones: ctest -L slow).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
ctest --test-dir build -LE slow --output-on-failure -j"$(nproc)"
