"""The desktop check: missing X11 libraries named with the command that installs them, a
missing compiler explained, and plain words when the window cannot open at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gui import desktop_check
from gui.desktop_check import (
    build_advice,
    install_command,
    missing_libraries,
    packages_for,
)

ROOT = Path(__file__).resolve().parents[2]

# What `ldd libqxcb.so` printed on a fresh Debian 12 (trimmed).
LDD_FRESH_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffc5a1f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f2c)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f2c1b)
\tlibxcb-icccm.so.4 => not found
"""


def test_missing_libraries_are_read_from_ldd_once_each() -> None:
    assert missing_libraries(LDD_FRESH_DEBIAN) == [
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libxcb-cursor.so.0",
    ]
    assert missing_libraries("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.parametrize(
    ("manager", "command"),
    [
        ("apt-get", "apt-get install -y libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0"),
        ("dnf", "dnf install -y xcb-util-wm xcb-util-keysyms xcb-util-cursor"),
        ("pacman", "pacman -S --needed xcb-util-wm xcb-util-keysyms xcb-util-cursor"),
        ("zypper", "zypper install -y libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0"),
    ],
)
def test_each_package_manager_gets_its_exact_command(
    manager: str, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    packages = packages_for(missing_libraries(LDD_FRESH_DEBIAN), manager)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert install_command(manager, packages) == f"sudo {command}"
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert install_command(manager, packages) == command  # root needs no sudo
    assert install_command("emerge", packages) == ""


def test_a_library_we_do_not_know_is_named_as_it_is() -> None:
    assert packages_for(["libfoo.so.9", "libxcb-icccm.so.4"], "apt-get") == [
        "libfoo.so.9",
        "libxcb-icccm4",
    ]


def test_advice_names_the_libraries_and_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(desktop_check, "xcb_plugin", lambda: Path("/fake/libqxcb.so"))

    def fake_run(*_args: object, **_kwargs: object) -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess([], 0, LDD_FRESH_DEBIAN, "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    advice = desktop_check.display_advice("apt-get")
    assert advice is not None
    text = advice.text()
    assert "libxcb-icccm.so.4" in text and "README.md" in text
    assert "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0" in text


def test_a_machine_without_a_compiler_is_told_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(desktop_check.shutil, "which", lambda _name: None)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    compiler, cmake = build_advice("dnf")
    assert compiler.blocking and "compiler" in compiler.problem
    assert compiler.command == "sudo dnf install -y gcc gcc-c++ make"
    assert not cmake.blocking and cmake.command == "sudo dnf install -y cmake"
    assert build_advice("apt-get")[0].command == "sudo apt-get install -y build-essential"


def test_this_machine_has_what_the_build_needs() -> None:
    # The suite runs after the set-up built llama.cpp here, so nothing blocking is missing.
    assert not [a for a in build_advice() if a.blocking]


def test_when_no_window_can_open_the_app_says_why_in_plain_words(tmp_path: Path) -> None:
    # An X display that does not exist: Qt's xcb plugin cannot start (whether or not the
    # libraries are there), which Qt reports as a fatal platform-plugin error.
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":97", "WAYLAND_DISPLAY": ""}
    proc = subprocess.run(
        [sys.executable, "main.py", "--config", str(tmp_path / "home")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "README.md" in proc.stderr
    assert "window" in proc.stderr
    assert "Reinstalling the application may fix this problem" not in proc.stderr


def test_the_reason_a_window_cannot_open_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(desktop_check, "display_advice", lambda: None)
    monkeypatch.setenv("DISPLAY", ":5")
    text = desktop_check.window_failure_text(["qt.qpa.xcb: could not connect to display :5"])
    assert "the display :5 did not answer" in text and "README.md" in text
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert "no graphical desktop was found" in desktop_check.window_failure_text([])
