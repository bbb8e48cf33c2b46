#!/usr/bin/env bash
# Prints the CMake flags for building llama.cpp on this machine.
# On Linux x86_64 a native build (-march=native) can pick up instructions the sandbox or
# VM does not allow (AMX), so we enable exactly the vector extensions /proc/cpuinfo lists.
set -euo pipefail
if [ "$(uname -s)" != "Linux" ] || [ "$(uname -m)" != "x86_64" ] || [ ! -r /proc/cpuinfo ]; then
  exit 0  # elsewhere a native build is fine
fi
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { case "$flags" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
args="-DGGML_NATIVE=OFF"
has avx && args="$args -DGGML_AVX=ON"
has avx2 && args="$args -DGGML_AVX2=ON"
has fma && args="$args -DGGML_FMA=ON"
has f16c && args="$args -DGGML_F16C=ON"
has bmi2 && args="$args -DGGML_BMI2=ON"
has avx_vnni && args="$args -DGGML_AVX_VNNI=ON"
if has avx512f && has avx512cd && has avx512vl && has avx512dq && has avx512bw; then
  args="$args -DGGML_AVX512=ON"
  has avx512_vnni && args="$args -DGGML_AVX512_VNNI=ON"
  has avx512_vbmi && args="$args -DGGML_AVX512_VBMI=ON"
  has avx512_bf16 && args="$args -DGGML_AVX512_BF16=ON"
fi
echo "$args"
