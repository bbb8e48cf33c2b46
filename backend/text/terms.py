"""Words for retrieval and names for lore: what a passage is about, in English or Chinese.

Latin-script text gives lower-cased words of three letters or more that are not function
words; Chinese and Japanese text gives overlapping character pairs (bigrams), the usual
dictionary-free way to index CJK.
"""

from __future__ import annotations

import re

from backend.text.counts import CJK_RANGES

_STOP_TEXT = """
    about above after again against all also and any are aren't because been before being
    below between both but can't cannot could couldn't did didn't does doesn't doing don't
    down during each few for from further had hadn't has hasn't have haven't having her here
    hers herself him himself his how i'd i'll i'm i've into isn't it's its itself let's me
    more most mustn't myself nor not now off once only other ought our ours ourselves out
    over own said same say says shan't she she'd she'll she's should shouldn't some such than
    that that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through too under until very was wasn't were weren't what
    what's when when's where where's which while who who's whom why why's will with won't
    would wouldn't you you'd you'll you're you've your yours yourself yourselves just like
    one two went came come get got going know thought think well see seemed upon again back
    little much must may might shall still yet even ever never quite rather oh yes
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
_LATIN_WORD = re.compile(
    rf"(?:(?![{CJK_RANGES}])[^\W\d_])+(?:['’](?:(?![{CJK_RANGES}])[^\W\d_])+)*"
)
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:['’][a-z]+)?\b")
# Capitalised words that open sentences far more often than they name anyone.
_NOT_NAMES = frozenset(w.capitalize() for w in STOPWORDS) | {
    "I", "The", "A", "An", "And", "But", "So", "Then", "If", "In", "On", "At", "As", "It",
    "He", "She", "We", "They", "You", "What", "Who", "Why", "How", "When", "Where", "There",
    "This", "That", "Now", "No", "Not", "Oh", "Yes", "Well", "Mr", "Mrs", "Miss", "Sir",
    "Chapter", "Of", "To", "For", "With", "By", "Or", "Do", "Did", "Let", "All", "My", "Our",
    # Forms of address ("Your Majesty"), and the languages, peoples and days a story names
    # with a capital: a book's drafted cast had "Majesty" and "English" among its people.
    "Majesty", "Highness", "Lordship", "Ladyship", "Excellency", "Worship", "Eminence",
    "Madam", "Madame", "Ma'am", "Mister", "English", "French", "German", "Latin", "Greek",
    "Spanish", "Italian", "Dutch", "Russian", "Chinese", "Japanese", "American", "British",
    "Irish", "Scottish", "Welsh", "Indian", "European", "African", "Christmas", "Monday",
    "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}  # fmt: skip


def search_terms(text: str) -> list[str]:
    """The words (or CJK bigrams) of `text` that say what it is about, in order."""
    out: list[str] = []
    for match in re.finditer(rf"{_LATIN_WORD.pattern}|{_CJK_RUN.pattern}", text):
        word = match.group()
        if _CJK_RUN.fullmatch(word):
            out += [word[i : i + 2] for i in range(len(word) - 1)] or [word]
            continue
        low = word.lower().replace("’", "'")
        if len(low) >= 3 and low not in STOPWORDS:
            out.append(low)
    return out


def names_in(text: str) -> list[str]:
    """Capitalised words that look like names (not sentence openers), in order of appearance."""
    return [m.group() for m in _NAME.finditer(text) if m.group() not in _NOT_NAMES]
