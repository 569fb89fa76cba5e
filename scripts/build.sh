#!/usr/bin/env bash
# Configures and builds scidl into build/ (Release), and makes `import scidl` work for Debian's
# python3: a scidl.pth in that interpreter's user site folder points it at build/python (no root
# needed, nothing written outside the home folder; delete the file to undo). Users of their own
# Python or a venv install with `pip install .` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
[[ -f build/CMakeCache.txt ]] || cmake -S . -B build "${gen[@]}" -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"

python=$(sed -n 's/^_*Python3_EXECUTABLE:[A-Z]*=//p' build/CMakeCache.txt | head -n1)
if compgen -G "build/python/scidl/_core*.so" >/dev/null && [[ -x "$python" ]]; then
  site=$("$python" -c 'import site; print(site.getusersitepackages())')
  mkdir -p "$site"
  echo "$PWD/build/python" >"$site/scidl.pth"
  echo "import scidl: $python finds build/python through $site/scidl.pth"
fi
