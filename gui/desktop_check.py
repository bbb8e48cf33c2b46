"""Can this desktop show Inkling's window? What system packages are missing, and how to get them.

Qt's X11 plugin (xcb) needs system libraries that a fresh Debian or a minimal Ubuntu lacks
(libxcb-icccm4, libxcb-keysyms1, libxcb-cursor0). Without them Qt only says that it "could
not load the Qt platform plugin" and the window never opens. This module names the missing
libraries, the packages that hold them and the command that installs them, for apt, dnf,
pacman and zypper. It imports no Qt (the set-up runs it before anything else), and it also
checks for the C/C++ compiler the llama.cpp build needs.

    python -m gui.desktop_check display     the window can open (exit 1 and advice if not)
    python -m gui.desktop_check build       a compiler and CMake for the llama.cpp build
    python -m gui.desktop_check install     as root on Debian/Ubuntu: install what is missing
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

README_SECTION = "README.md, section “Quick start”"
MANAGERS = ("apt-get", "dnf", "pacman", "zypper")

# Library file -> the package that holds it, per package manager.
LIBRARY_PACKAGES: dict[str, dict[str, str]] = {
    "libxcb-icccm.so.4": {
        "apt-get": "libxcb-icccm4",
        "dnf": "xcb-util-wm",
        "pacman": "xcb-util-wm",
        "zypper": "libxcb-icccm4",
    },
    "libxcb-keysyms.so.1": {
        "apt-get": "libxcb-keysyms1",
        "dnf": "xcb-util-keysyms",
        "pacman": "xcb-util-keysyms",
        "zypper": "libxcb-keysyms1",
    },
    "libxcb-cursor.so.0": {
        "apt-get": "libxcb-cursor0",
        "dnf": "xcb-util-cursor",
        "pacman": "xcb-util-cursor",
        "zypper": "libxcb-cursor0",
    },
    "libxcb-image.so.0": {
        "apt-get": "libxcb-image0",
        "dnf": "xcb-util-image",
        "pacman": "xcb-util-image",
        "zypper": "libxcb-image0",
    },
    "libxcb-render-util.so.0": {
        "apt-get": "libxcb-render-util0",
        "dnf": "xcb-util-renderutil",
        "pacman": "xcb-util-renderutil",
        "zypper": "libxcb-render-util0",
    },
    "libxkbcommon-x11.so.0": {
        "apt-get": "libxkbcommon-x11-0",
        "dnf": "libxkbcommon-x11",
        "pacman": "libxkbcommon-x11",
        "zypper": "libxkbcommon-x11-0",
    },
    "libxcb-xkb.so.1": {
        "apt-get": "libxcb-xkb1",
        "dnf": "libxcb",
        "pacman": "libxcb",
        "zypper": "libxcb-xkb1",
    },
    "libEGL.so.1": {
        "apt-get": "libegl1",
        "dnf": "libglvnd-egl",
        "pacman": "libglvnd",
        "zypper": "libEGL1",
    },
    "libGL.so.1": {
        "apt-get": "libgl1",
        "dnf": "libglvnd-glx",
        "pacman": "libglvnd",
        "zypper": "libGL1",
    },
    "libfontconfig.so.1": {
        "apt-get": "libfontconfig1",
        "dnf": "fontconfig",
        "pacman": "fontconfig",
        "zypper": "libfontconfig1",
    },
    "libdbus-1.so.3": {
        "apt-get": "libdbus-1-3",
        "dnf": "dbus-libs",
        "pacman": "dbus",
        "zypper": "libdbus-1-3",
    },
}

COMPILER_PACKAGES = {
    "apt-get": "build-essential",
    "dnf": "gcc gcc-c++ make",
    "pacman": "base-devel",
    "zypper": "gcc gcc-c++ make",
}
CMAKE_PACKAGES = {"apt-get": "cmake", "dnf": "cmake", "pacman": "cmake", "zypper": "cmake"}
INSTALL = {
    "apt-get": "sudo apt-get install -y {0}",
    "dnf": "sudo dnf install -y {0}",
    "pacman": "sudo pacman -S --needed {0}",
    "zypper": "sudo zypper install -y {0}",
}


@dataclass(frozen=True)
class Advice:
    """What is missing, in plain words, and the command that fixes it ('' if unknown)."""

    problem: str
    packages: tuple[str, ...] = ()
    command: str = ""
    blocking: bool = True  # False: the set-up can go on without it

    def text(self) -> str:
        """The message for a terminal."""
        lines = [self.problem]
        if self.command:
            lines += ["Install them with:", f"    {self.command}"]
        elif self.packages:
            lines.append(
                "Install these with your system's package manager: " + " ".join(self.packages)
            )
        lines.append(f"More in {README_SECTION}.")
        return "\n".join(lines)


def package_manager() -> str:
    """The first of apt-get, dnf, pacman, zypper on PATH ('' if none)."""
    return next((m for m in MANAGERS if shutil.which(m)), "")


def install_command(manager: str, packages: list[str] | tuple[str, ...]) -> str:
    """The exact command for `manager` ('' for an unknown one); no sudo for root."""
    template = INSTALL.get(manager)
    if not template or not packages:
        return ""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        template = template.removeprefix("sudo ")
    return template.format(" ".join(packages))


def window_failure_text(qt_messages: list[str]) -> str:
    """Plain words for Qt's 'no Qt platform plugin could be initialized' (and the messages
    Qt gave before it), with the fix when it is known."""
    advice = display_advice()
    if advice is not None:
        return advice.text()
    display = os.environ.get("DISPLAY", "")
    if not (display or os.environ.get("WAYLAND_DISPLAY")):
        reason = (
            "no graphical desktop was found (neither DISPLAY nor WAYLAND_DISPLAY is set). "
            "Start it from a desktop session."
        )
    elif any("could not connect to display" in m for m in qt_messages):
        reason = (
            f"the display {display} did not answer. Is the desktop session still running, "
            "and is DISPLAY right?"
        )
    else:
        said = next((m.strip() for m in qt_messages if "plugin" in m), "")
        reason = "Qt could not use this desktop's display" + (f" ({said})." if said else ".")
    return f"Inkling could not open its window: {reason}\nMore in {README_SECTION}."


def xcb_plugin() -> Path | None:
    """Qt for Python's X11 platform plugin, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        plugin = Path(root) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def missing_libraries(ldd_output: str) -> list[str]:
    """Library names that `ldd` reports as 'not found', each once, in order."""
    found = re.findall(r"^\s*(\S+)\s+=>\s+not found", ldd_output, re.MULTILINE)
    return list(dict.fromkeys(found))


def packages_for(libraries: list[str], manager: str) -> list[str]:
    """The packages holding `libraries` (a library we do not know is named as it is)."""
    names = [LIBRARY_PACKAGES.get(lib, {}).get(manager, lib) for lib in libraries]
    return list(dict.fromkeys(names))


def display_advice(manager: str | None = None) -> Advice | None:
    """None if the X11 plugin's libraries are all there, else what to install."""
    plugin = xcb_plugin()
    if plugin is None or not shutil.which("ldd"):
        return None
    try:
        out = subprocess.run(
            ["ldd", str(plugin)], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    missing = missing_libraries(out)
    if not missing:
        return None
    manager = package_manager() if manager is None else manager
    packages = packages_for(missing, manager)
    problem = (
        "Inkling's window cannot open on this desktop: Qt's X11 support needs system "
        f"libraries that are not installed ({', '.join(missing)})."
    )
    return Advice(problem, tuple(packages), install_command(manager, packages))


def build_advice(manager: str | None = None) -> list[Advice]:
    """What the llama.cpp build needs and lacks: a C and C++ compiler, CMake."""
    manager = package_manager() if manager is None else manager
    found: list[Advice] = []
    has_cc = any(shutil.which(c) for c in ("cc", "gcc", "clang"))
    has_cxx = any(shutil.which(c) for c in ("c++", "g++", "clang++"))
    if not (has_cc and has_cxx):
        packages = tuple(COMPILER_PACKAGES.get(manager, "gcc g++").split())
        found.append(
            Advice(
                "The language model's engine (llama.cpp) is compiled on this machine, and no "
                "C/C++ compiler was found.",
                packages,
                install_command(manager, packages),
            )
        )
    if not shutil.which("cmake"):
        packages = (CMAKE_PACKAGES.get(manager, "cmake"),)
        found.append(
            Advice(
                "CMake was not found. The build will try to fetch it from PyPI; if that fails, "
                "install it.",
                packages,
                install_command(manager, packages),
                blocking=False,
            )
        )
    return found


def can_install_here(manager: str) -> bool:
    """Root on Debian or Ubuntu: the set-up may install missing libraries itself."""
    return manager == "apt-get" and hasattr(os, "geteuid") and os.geteuid() == 0


def _install(advice: Advice) -> bool:
    """apt-get install the packages (updating the lists once if that fails); True if done."""
    print(f"{advice.problem}\nInstalling: {' '.join(advice.packages)}", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", *advice.packages]
    if subprocess.run(cmd, env=env, check=False).returncode != 0:
        # A fresh machine may have no package lists yet.
        subprocess.run(["apt-get", "update"], env=env, check=False)
        subprocess.run(cmd, env=env, check=False)
    return display_advice() is None


def main(argv: list[str]) -> int:
    """Exit 0 when nothing is missing; print advice and exit 1 otherwise."""
    what = argv[0] if argv else "display"
    if what == "build":
        problems = build_advice()
        for item in problems:
            print(item.text(), file=sys.stderr)
        return 1 if any(item.blocking for item in problems) else 0
    advice = display_advice()
    if advice is None:
        return 0
    can = what == "install" and can_install_here(package_manager()) and advice.packages
    if can and _install(advice):
        return 0
    print(advice.text(), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
