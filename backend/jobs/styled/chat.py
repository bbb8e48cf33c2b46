"""Styled continuations and rewrites on an instruct model, through its own chat template.

The style (genre, tone, point of view, tense, notes, premise, the exemplar) and the story's
notes go in the writer's turn with a request to continue the manuscript (or to rewrite a
passage); the model's reply starts with the manuscript itself, so the first thing the model
writes is the next word of the story, not "Sure, here is...". The reply's tail is healed
exactly as a plain prompt's is (healing.py), so the healed bytes sit at the very end.

The prompt to guide against is the same conversation without the style: the same request,
the same notes and the same reply, so guidance pushes towards the style and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.engines.base import Engine
from backend.jobs.healing import HealedPrompt, heal_prompt
from backend.models.chat import ChatTemplate, Message

CONTINUE_ASK = {
    "en": (
        "Continue the manuscript. Write only the next part of the story, in the same "
        "language and the same voice, with no title, notes or comments."
    ),
    "zh": "请接着写这部稿子。只写故事的下一部分，用同样的语言和叙述，不要标题、说明或评论。",
}
REWRITE_ASK = {
    "en": (
        "Rewrite the passage below. Write only the rewritten passage, about as long as the "
        "original, with no title, notes or comments."
    ),
    "zh": "改写下面这段文字。只写改写后的文字，长短与原文相近，不要标题、说明或评论。",
}
STYLE_HEAD = {"en": "How to write it:", "zh": "写法："}
NOTE_HEAD = {"en": "Author's note: ", "zh": "作者提示："}
PASSAGE_HEAD = {"en": "The passage:", "zh": "原文："}


@dataclass(frozen=True)
class ChatFrame:
    """What an instruct model is asked: to continue the text (the reply starts with it),
    or to rewrite `passage` (given in the writer's turn; the reply starts empty)."""

    passage: str = ""

    def ask(self, lang: str) -> str:
        """The request, in the story's language (English where there is none)."""
        asks = REWRITE_ASK if self.passage else CONTINUE_ASK
        return asks.get(lang, asks["en"])


@dataclass(frozen=True)
class ChatPrompts:
    """The styled conversation, healed, and the plain one to guide against."""

    healed: HealedPrompt
    guide: tuple[int, ...]


def user_turn(frame: ChatFrame, header: str, lore: str, authors_note: str, lang: str = "en") -> str:
    """The writer's turn: the request, the style, the story's notes and (for a rewrite)
    the passage. An empty `header` gives the turn without the style."""
    base = lang if lang in CONTINUE_ASK else "en"
    parts = [frame.ask(base)]
    if header.strip():
        parts.append(f"{STYLE_HEAD[base]}\n{header.strip()}")
    if lore.strip():
        parts.append(lore.strip())
    if authors_note.strip():
        parts.append(NOTE_HEAD[base] + authors_note.strip())
    if frame.passage.strip():
        parts.append(f"{PASSAGE_HEAD[base]}\n{frame.passage.strip()}")
    return "\n\n".join(parts)


def chat_prompts(
    engine: Engine,
    chat: ChatTemplate,
    styled_turn: str,
    plain_turn: str,
    reply: str,
    room: int,
) -> ChatPrompts:
    """Both conversations as token ids, each ending in the healed start of the reply.
    Past `room` tokens the reply loses its front (the engine would cut the conversation's
    front, the request included)."""
    tail = heal_prompt(engine, reply) if reply else HealedPrompt([], b"")

    def conversation(turn: str) -> list[int]:
        messages: list[Message] = [{"role": "user", "content": turn}]
        return chat.encode(engine, messages)

    styled, plain = conversation(styled_turn), conversation(plain_turn)
    keep = max(0, room - len(styled) - len(tail.required))
    reply_ids = tail.tokens[len(tail.tokens) - keep :] if keep < len(tail.tokens) else tail.tokens
    healed = HealedPrompt(styled + reply_ids, tail.required)
    return ChatPrompts(healed, (*plain, *reply_ids))
