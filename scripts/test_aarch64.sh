#!/usr/bin/env bash
# Cross-builds the CPU kernels' tests for aarch64 (cmake/aarch64-linux-gnu.cmake with
# SCIDL_KERNEL_TESTS_ONLY: the rooms up to optim/, scidl_kernel_tests) into build-aarch64/ and
# runs them under qemu-user, once per instruction set the build holds (portable, neon).
# Needs `scripts/setup.sh --aarch64`. qemu emulates float arithmetic in software, 20-40x slower
# than native: the two runs took 17 minutes on 2 busy cores, and qemu's timings say nothing
# about an ARM CPU's speed. GoogleTest's GTEST_FILTER narrows the runs.
#   JOBS=2 bash scripts/test_aarch64.sh     (default: all cores)
#   GTEST_FILTER='KernelSettings.*:AllOps/*' bash scripts/test_aarch64.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/setup.sh --aarch64" >&2; exit 1; }
done
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
[[ -f build-aarch64/CMakeCache.txt ]] ||
  cmake -S . -B build-aarch64 "${gen[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DSCIDL_KERNEL_TESTS_ONLY=ON \
    -DSCIDL_WITH_ONEDNN=OFF  # Debian's arm64 libdnnl-dev does not install beside the amd64 one
cmake --build build-aarch64 -j"${JOBS:-$(nproc)}" --target scidl_kernel_tests
ctest --test-dir build-aarch64 --output-on-failure
