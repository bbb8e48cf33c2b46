"""A synthetic 60-chapter book for memory tests: a cast who come and go, places, a ship."""

from __future__ import annotations

from pathlib import Path

from backend.story.binder import Chapter, Scene
from backend.story.project import Story, new_story

CAST = ["Mara", "Orrin", "Tessaly", "Brannock", "Ilse", "Quill"]
PLACES = ["Saltmarsh", "the Lantern Quay", "Greyfen Abbey", "the Drowned Road"]


def chapter_text(n: int) -> str:
    """Five paragraphs: who is present changes every few chapters."""
    a, b = CAST[n % 6], CAST[(n // 5 + 1) % 6]
    place = PLACES[n % 4]
    paras = []
    for k in range(5):
        paras.append(
            f"In chapter {n + 1} {a} walked with {b} toward {place}. The tide was turning "
            f"and the gulls wheeled over the mud flats, crying. {a} said nothing for a long "
            f"time, then spoke of the debt, the ledger and the storm that had taken the "
            f"harbour wall. Part {k + 1} ends as the lamps are lit along the water."
        )
    if n == 2:
        paras.append(
            "Orrin hid the silver astrolabe under the altar stone at Greyfen Abbey, where only "
            "the abbess would ever think to look for it."
        )
    return "\n\n".join(paras)


def build(folder: Path, chapters: int = 60, synopses: bool = True) -> Story:
    """The book, with memory, bible entries and (optionally) chapter synopses."""
    story = new_story(folder, title="The Drowned Road")
    story.binder.chapters = [
        Chapter(
            title=f"Chapter {n + 1}",
            synopsis=(
                f"{CAST[n % 6]} and {CAST[(n // 5 + 1) % 6]} go to {PLACES[n % 4]}."
                if synopses
                else ""
            ),
            scenes=[Scene(title="Scene 1", text=chapter_text(n))],
        )
        for n in range(chapters)
    ]
    story.memory = (
        "Mara is a smuggler's daughter.\nThe harbour town of Saltmarsh floods every spring."
    )
    story.characters = [
        {"Name": name, "Age": "30", "Gender/pronouns": "she/her", "Personality": f"{name} is wary"}
        for name in CAST
    ]
    story.characters[1]["Personality"] = "Orrin is loyal to Brannock"
    story.background = [
        {"Name": "Greyfen Abbey", "Kind": "location", "Description": "a ruined abbey"}
    ]
    return story


def words(text: str) -> int:
    """A deterministic token count for tests: words and line breaks."""
    return len(text.split()) + text.count("\n") if text else 0
