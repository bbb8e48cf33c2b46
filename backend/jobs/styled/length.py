"""Stop rules for the length the writer chose: a sentence, a paragraph or a scene beat."""

from __future__ import annotations

import re

from backend.story.language import pack
from backend.text.sentences import sentence_ends


class LengthRule:
    """Stops a continuation at the length the writer chose, at a natural boundary.

    Chunks may be single tokens or, from the sentence check, whole sentences; with
    `whole_sentences` each chunk is known to end a sentence.
    """

    def __init__(self, length: str, whole_sentences: bool = False, lang: str = "en") -> None:
        self.pack = pack(lang)
        self.low, self.high = self.pack.lengths[length]
        self.length = length
        self.whole = whole_sentences
        self.text = ""
        self.done = False

    def feed(self, chunk: str) -> str:
        """Add text; returns what to show (cut at the stopping point)."""
        if self.done:
            return ""
        start = len(self.text)
        self.text += chunk
        cut = self._cut(start)
        if cut is not None:
            self.text = self.text[:cut].rstrip() if self.length == "sentence" else self.text[:cut]
            self.done = True
        return self.text[start:]

    def _ends(self, start: int) -> list[int]:
        """Sentence ends in the text added since `start`."""
        if self.whole:
            return [len(self.text)]
        return list(sentence_ends(self.text, start))

    def _cut(self, start: int) -> int | None:
        if self.whole and self.length != "sentence":
            # A whole sentence that would carry the text past the range is left out.
            before = self.pack.count(self.text[:start])
            if self.pack.count(self.text) > self.high and before >= self.low:
                return start
        para = self.text.find("\n\n", max(0, start - 1))
        if (
            self.length != "sentence"
            and para != -1
            and self.pack.count(self.text[:para]) >= self.low
        ):
            return para
        limit = self.low if self.length == "sentence" else self.high
        for end in self._ends(start):
            if self.pack.count(self.text[:end]) >= limit:
                return end
        if self.length != "sentence" and self.pack.count(self.text) >= self.high + 60:
            # No sentence end in sight: stop anyway, after a whole word.
            if self.pack.counts_characters:
                return len(self.text)
            words = list(re.finditer(r"\S+", self.text))
            return words[self.high + 59].end()
        return None
