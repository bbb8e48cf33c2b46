"""Inkling: a local, offline writing assistant. No command opens the window."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the GUI or a headless command."""
    from backend.cli.options import wants_window, window_parser

    argv = sys.argv[1:] if argv is None else argv
    if wants_window(argv):  # no command: the commands are not even imported
        args = window_parser().parse_args(argv)
    else:
        from backend.cli import build_parser

        args = build_parser().parse_args(argv)
    if args.command is None:
        from gui.window.app import run_gui

        return run_gui(args)
    from backend.cli import run_headless

    return run_headless(args)


if __name__ == "__main__":
    sys.exit(main())
