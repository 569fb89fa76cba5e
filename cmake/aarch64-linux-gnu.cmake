# Cross build for aarch64 with Debian's g++-aarch64-linux-gnu and arm64 multiarch packages
# (scripts/setup.sh --aarch64); programs run under qemu-user (scripts/test_aarch64.sh).
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DSCIDL_KERNEL_TESTS_ONLY=ON
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Debian's multiarch folders: libraries and CMake packages under /usr/lib/aarch64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# ctest runs the test programs through this. No `-L /usr/aarch64-linux-gnu`: with the cross
# toolchain's own libc (2.36-8cross1) under Debian 12's qemu 7.2 every program hung in its first
# pthread_create; with the multiarch libc6:arm64 the arm64 packages bring, threads run.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
