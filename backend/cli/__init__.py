"""The command line, `python main.py [command]`: one module per command group, over the
same jobs backend/serve.py uses. No command opens the window; main.py starts it when no
command is given.

commands.py   the parser of every command, and what runs each
options.py    the options every command shares, and the window's own light parser (the
              window starts without importing the commands)
common.py     the writer's settings, the writer's settings, the model they chose
              (or a flag asks for) with its sampler defaults, and the engine's exit codes
write.py      complete, continue, rewrite
character.py  character, background
serve.py      serve --stdio
models.py     setup-model, models (list, download, use)
voice.py      train-voice
book.py       import, stats, export (no model)
keeping.py    snapshot, history, backup, restore (no model)
ask.py        ask (passages without a model; one generated sentence with it)
check.py      check (the continuity check; no model)

Model commands use the writer's settings, as the window does, unless --ignore-settings or a
flag says otherwise. The command line is the top of the backend: it may import every backend
package, and nothing in backend imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend.cli.commands import COMMANDS, build_parser, run_headless

__all__ = ["COMMANDS", "build_parser", "run_headless"]


def __getattr__(name: str) -> Any:
    """The commands are imported when first asked for, not with the package: the window
    imports backend.cli.options and nothing else of it."""
    if name in __all__:
        from backend.cli import commands

        return getattr(commands, name)
    raise AttributeError(f"module 'backend.cli' has no attribute {name!r}")
