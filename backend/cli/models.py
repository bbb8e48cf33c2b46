"""`setup-model` (prepare the bundled model) and `models`: the curated models fitted to
this machine, a download from that list, and which model suggestions and generation use.

    main.py models [--json] [--no-probe]
    main.py models download ID [--accept-licence]
    main.py models use ENTRY_ID --for suggestions|generation
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any, TextIO

from backend.cli.common import USER_ERRORS, refused
from backend.models.bundled import bundled_spec
from backend.models.catalogue import CatalogError
from backend.models.download import DownloadCancelled, DownloadError
from backend.models.entry import human_size
from backend.models.install import (
    GENERATION,
    SUGGESTIONS,
    LicenceNotAccepted,
    Shelf,
    UnknownModel,
    install,
    shelf,
    use_for,
)
from backend.models.library import LibraryError
from backend.models.machine import bundled_probe
from backend.storage.atomic import SaveError
from backend.storage.paths import app_paths


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The setup-model and models sub-commands."""
    sub.add_parser("setup-model", parents=[common], help="prepare the bundled model")
    models = sub.add_parser(
        "models", parents=[common], help="models to download, fitted to this machine"
    )
    models.add_argument("--json", action="store_true", help="print the list as JSON")
    models.add_argument(
        "--no-probe", action="store_true", help="do not measure this machine's speed"
    )
    actions = models.add_subparsers(dest="models_action")
    get = actions.add_parser("download", help="download a model from the list and add it")
    get.add_argument("id", help="the model's id from `main.py models`")
    get.add_argument(
        "--accept-licence", action="store_true", help="accept a licence that must be accepted"
    )
    use = actions.add_parser("use", help="use one of your models for suggestions or generation")
    use.add_argument("id", help="the id of one of your models")
    use.add_argument("--for", dest="role", choices=(SUGGESTIONS, GENERATION), required=True)


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """Make the bundled model ready; 2 when it cannot be."""
    paths = app_paths(args.config)
    try:
        path = bundled_spec(paths.models).path
    except USER_ERRORS as exc:
        return refused(exc)
    print(f"Bundled model ready: {path}", file=stdout)
    return 0


def run_models(args: argparse.Namespace, stdout: TextIO) -> int:
    """List, download or choose: 0 on success, 2 for a refused request, 1 for a failed
    download, 130 when interrupted."""
    paths = app_paths(args.config)
    action = getattr(args, "models_action", None)
    try:
        if action == "download":
            return _download(paths, args, stdout)
        if action == "use":
            use_for(paths, args.id, args.role)
            print(f"{args.id} is now used for {args.role}.", file=stdout)
            return 0
        probe = None if args.no_probe else bundled_probe(paths.models)
        view = shelf(paths, probe)
    except (LibraryError, CatalogError, SaveError) as exc:
        return refused(exc)
    if args.json:
        json.dump(shelf_json(view), stdout, ensure_ascii=False, indent=1)
        stdout.write("\n")
    else:
        _print_shelf(view, stdout)
    return 0


def shelf_json(view: Shelf) -> dict[str, Any]:
    """The shelf as the JSON `main.py models --json` prints."""
    rows = []
    for item in view.items:
        m = item.model
        rows.append(
            {
                "id": m.id,
                "name": m.name,
                "repo": m.repo,
                "file": m.file,
                "quantisation": m.quantisation,
                "size_bytes": m.size_bytes or None,
                "size_exact": m.size_exact,
                "ram_bytes": item.fit.ram_bytes or None,
                "ram_exact": m.ram_exact,
                "licence": {
                    "name": m.licence,
                    "url": m.licence_url,
                    "accept_required": m.accept_required,
                },
                "languages": list(m.languages),
                "kind": m.kind,
                "prompt_format": m.prompt_format,
                "context_length": m.context_length or None,
                "fit": item.fit.fit,
                "est_tokens_per_s": item.fit.est_tokens_per_s,
                "writers": m.writers,
                "installed": item.installed or None,
                "sources": list(m.sources),
            }
        )
    machine = view.machine
    return {
        "models": rows,
        "recommended": dict(view.recommended),
        "machine": {
            "total_bytes": machine.total_bytes,
            "physical_cores": machine.physical_cores,
            "cpu": machine.cpu,
            "cpu_features": list(machine.cpu_features),
            "gpu": machine.gpu,
            "bytes_per_s": round(view.calibration.bytes_per_s) if view.calibration else None,
        },
    }


def _print_shelf(view: Shelf, stdout: TextIO) -> None:
    for item in view.items:
        m, f = item.model, item.fit
        speed = f"~{f.est_tokens_per_s:.0f} tokens/s" if f.est_tokens_per_s else "speed unknown"
        size = human_size(m.size_bytes) if m.size_bytes else "size unknown"
        mark = " (installed)" if item.installed else ""
        stdout.write(f"{m.id:24} {size:>8}  {f.fit:11}  {speed:17} {m.name}{mark}\n")
    for lang, model_id in view.recommended.items():
        stdout.write(f"Recommended for {lang}: {model_id or 'the bundled model'}\n")


def _download(paths: Any, args: argparse.Namespace, stdout: TextIO) -> int:
    cancel = threading.Event()

    def progress(done: int, total: int | None) -> None:
        if total:
            print(f"\r{done / total:6.1%} of {human_size(total)}", end="", file=sys.stderr)

    try:
        entry = install(
            paths, args.id, accept_licence=args.accept_licence, progress=progress, cancel=cancel
        )
    except KeyboardInterrupt:
        cancel.set()
        print("\ninkling: cancelled; run the command again to resume.", file=sys.stderr)
        return 130
    except DownloadCancelled as exc:
        print(f"\ninkling: {exc}", file=sys.stderr)
        return 130
    except (LicenceNotAccepted, UnknownModel) as exc:
        return refused(exc)
    except DownloadError as exc:
        print(f"\ninkling: {exc}", file=sys.stderr)
        return 1
    except (CatalogError, SaveError) as exc:
        print(f"\ninkling: {exc}", file=sys.stderr)
        return 1
    print(f"Added {entry.name} as {entry.id}: {entry.path}", file=stdout)
    return 0
