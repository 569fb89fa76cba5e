#!/usr/bin/env bash
# Installs everything scidl needs to build, test and run, from Debian's packages only.
#   scripts/setup.sh           build + runtime + test dependencies
#   scripts/setup.sh --bench   also the peers the benchmarks compare against: Debian's PyTorch 1.13,
#                              and PyTorch 2.x with PyG and Captum from PyPI in a virtual
#                              environment (bench/peers/setup_torch2.sh; about 5.5 GB)
#   scripts/setup.sh --slurm   also Slurm (slurm-wlm, with munge): the single-node cluster of
#                              scripts/slurm_start.sh, for the slow Slurm tests and executor = "slurm"
#   scripts/setup.sh --aarch64 also the aarch64 cross compiler, qemu-user and the arm64 libraries
#                              the CPU kernels' tests link (scripts/test_aarch64.sh)
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libopenblas0-openmp      # GEMM; the OpenMP build shares its thread pool with our kernels (no oversubscription)
  libdnnl-dev              # oneDNN: float32 convolutions (faster than im2col + BLAS, bench/RESULTS.md)
  libtomlplusplus-dev      # config files
  libcli11-dev             # command line
  libfmt-dev               # formatting
  nlohmann-json3-dev       # JSON (safetensors headers, fixtures, reports)
  zlib1g-dev libpng-dev    # gzip'd IDX files, PNG plots
  libmpfr-dev libboost-dev # multiprecision integrator (Boost.Multiprecision over MPFR)
  libgtest-dev libgmock-dev libbenchmark-dev
  dataset-fashion-mnist    # Fashion-MNIST under /usr/share/datasets/fashion-mnist
  librdkit-dev rdkit-data  # SMILES into molecule graphs; the NCI molecules with their TPSA
  gretl-data               # real tables as gretl .gdt files: bike sharing for the table and AutoML cases
  python3-sklearn          # its data files: Fisher's Iris for the tuning examples (examples/tune)
  libsqlite3-dev           # a tuning study's record (tune/study_db.h)
  libxgboost-dev           # gradient-boosted trees in scidl automl (automl/xgboost_model.cpp)
  libcairo2-dev            # the header RDKit's PNG drawings of molecules need
  python3-dev pybind11-dev # the Python module (python/): Python's headers and the bindings
  python3-numpy            # the module's arrays in and out
  python3-pytest           # the module's tests (python/tests/)
  jupyter-nbconvert python3-ipykernel  # runs examples/python/tour.ipynb (a slow test; pure Python)
  python3-onnx             # tests: onnx.checker's full check of what scidl export-onnx writes
  libopenmpi-dev openmpi-bin  # data-parallel training across processes (dist/: mpirun -np N scidl train)
  iproute2                 # network-namespace hosts for jobs across a network (scripts/netns_hosts.sh)
)
bench_packages=(python3-torch python3-numpy python3-venv)
# The fast tests run the tune executor against stand-ins (tests/tune/fake_slurm), so CI needs none.
slurm_packages=(slurm-wlm)
# The aarch64 cross build of the kernels' tests (SCIDL_KERNEL_TESTS_ONLY). Debian's arm64
# librdkit-dev, libxgboost-dev and libopenmpi-dev replace the amd64 ones (not Multi-Arch: same,
# or their dependencies are not), and libdnnl-dev:arm64 does not unpack beside libdnnl-dev (its
# dnnl_config.h differs): so no data/ room and above, and no oneDNN, on aarch64.
aarch64_packages=(
  g++-aarch64-linux-gnu qemu-user  # the cross compiler; runs the tests (qemu-aarch64)
  libfmt-dev:arm64 libtomlplusplus-dev:arm64 zlib1g-dev:arm64 libpng-dev:arm64
  libgtest-dev:arm64 libgmock-dev:arm64
  libopenblas0-openmp:arm64        # loaded at run time (backend/cpu/blas.cpp)
)

want=("${packages[@]}")
bench=0 aarch64=0
for option in "$@"; do
  case "$option" in
    --bench) want+=("${bench_packages[@]}"); bench=1 ;;
    --slurm) want+=("${slurm_packages[@]}") ;;
    --aarch64) want+=("${aarch64_packages[@]}"); aarch64=1 ;;
    *) echo "setup.sh: unknown option '$option' (use --bench, --slurm, --aarch64)" >&2; exit 1 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  if ((aarch64)) && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ((bench)); then
  bash "$(dirname "$0")/../bench/peers/setup_torch2.sh"
fi
