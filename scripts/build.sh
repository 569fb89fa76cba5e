#!/usr/bin/env bash
# Configures and builds scidl into build/ (Release, tuned for this CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
[[ -f build/CMakeCache.txt ]] || cmake -S . -B build "${gen[@]}" -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
