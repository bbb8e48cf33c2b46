"""Token bytes to text: UTF-8 safe, stop strings honoured, partial stops held back."""

from __future__ import annotations

import codecs
from collections.abc import Sequence


class TextAssembler:
    """Turns token bytes into text: UTF-8 safe, stop strings honoured, partial stops held back."""

    def __init__(self, stop: Sequence[str]) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._stop = [s for s in stop if s]
        self._hold = max((len(s) for s in self._stop), default=1) - 1
        self._pending = ""
        self.stopped = False
        self.stopped_on: str | None = None  # the stop string that ended the text
        self.text = ""

    def feed(self, data: bytes) -> str:
        """Add one token's bytes; return the text that is now safe to show."""
        if self.stopped:
            return ""
        self._pending += self._decoder.decode(data)
        return self._release(final=False)

    def flush(self) -> str:
        """Return whatever is still held back once generation ends."""
        if self.stopped:
            return ""
        self._pending += self._decoder.decode(b"", final=True)
        return self._release(final=True)

    def _release(self, *, final: bool) -> str:
        cut = -1
        for s in self._stop:
            i = self._pending.find(s)
            if i != -1 and (cut == -1 or i < cut):
                cut, self.stopped_on = i, s
        if cut != -1:
            out = self._pending[:cut]
            self._pending = ""
            self.stopped = True
        elif final or not self._stop:
            out, self._pending = self._pending, ""
        else:
            # Keep back a tail that could still grow into a stop string.
            keep = 0
            for s in self._stop:
                for n in range(min(len(s) - 1, len(self._pending)), 0, -1):
                    if s.startswith(self._pending[-n:]):
                        keep = max(keep, n)
                        break
            split = len(self._pending) - keep
            out, self._pending = self._pending[:split], self._pending[split:]
        self.text += out
        return out
