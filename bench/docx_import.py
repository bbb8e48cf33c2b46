"""Reading Word files for import: `read_docx` on an ordinary 4,000-paragraph novel written
by python-docx, and on a 150,000-paragraph file (python-docx's package with a document
part of one-word paragraphs, about 50 KB packed). Both are generated into a temporary
folder. Prints the median time of several runs and the peak memory Python allocated in
one more run for each; last line: one JSON object.

    python bench/docx_import.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from common import median, unwrapped_corpus

NOVEL_PARAGRAPHS = 4_000
CHAPTER_EVERY = 40
MANY_PARAGRAPHS = 150_000


def write_novel(path: Path) -> None:
    """4,000 paragraphs of corpus prose with a Heading 1 every 40 and some italics."""
    import docx

    prose = unwrapped_corpus().split("\n\n")
    document = docx.Document()
    for n in range(NOVEL_PARAGRAPHS):
        if n % CHAPTER_EVERY == 0:
            document.add_heading(f"Chapter {n // CHAPTER_EVERY + 1}", level=1)
            continue
        paragraph = document.add_paragraph(prose[n % len(prose)])
        if n % 7 == 0:
            paragraph.add_run(" And then, quietly, it was over.").italic = True
    document.save(str(path))


def write_many(path: Path, template: Path) -> None:
    """The novel's package with its document part replaced by 150,000 short paragraphs."""
    body = "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * MANY_PARAGRAPHS
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    ).encode()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for info in source.infolist():
            data = xml if info.filename == "word/document.xml" else source.read(info)
            out.writestr(info.filename, data)


def measure(path: Path, runs: int) -> dict[str, float | int]:
    """Median and fastest seconds of `read_docx`, peak traced memory, and what was read."""
    from backend.formats.docx_in import read_docx

    times = []
    text = ""
    for _ in range(runs):
        start = time.perf_counter()
        text = read_docx(path)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    read_docx(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "file_kb": round(path.stat().st_size / 1024, 1),
        "paragraphs": (text.count("\n") + 1) // 2,  # each is a line and a blank line
        "headings": sum(1 for line in text.split("\n") if line.startswith("#")),
        "chars": len(text),
        "median_s": round(median(times), 3),
        "min_s": round(min(times), 3),
        "peak_mb": round(peak / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        novel, many = folder / "novel.docx", folder / "many.docx"
        write_novel(novel)
        write_many(many, novel)
        result: dict[str, object] = {"runs": args.runs}
        for name, path in (("novel", novel), ("many", many)):
            result[name] = figures = measure(path, args.runs)
            print(
                f"{name}: {figures['paragraphs']:,} paragraphs ({figures['file_kb']} KB) in "
                f"{figures['median_s']} s median, {figures['min_s']} s fastest, "
                f"peak {figures['peak_mb']} MB",
                flush=True,
            )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
