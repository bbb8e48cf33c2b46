"""Every job is frozen data that runs headless, on a real engine."""

from __future__ import annotations

import dataclasses
import re
import threading

import pytest

from backend.engines.params import SamplerParams
from backend.jobs.ask import AskJob
from backend.jobs.kinds import (
    ContinueJob,
    EntryEvent,
    EntryJob,
    JobKind,
    RewriteJob,
    SuggestJob,
    SynopsisJob,
)
from backend.jobs.suggest import SuggestOptions
from backend.story.memory.assembly import Assembly, BookContext, Note
from backend.story.style.model import Style
from tests.fakes import FakeEngine

GREEDY = SamplerParams(temperature=0.0, max_tokens=6, seed=1)


def pair_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Prompt tokens the guided pair reads itself from now on, per sequence (styled, guide)."""
    from backend.engines import llama_pair

    read = [0, 0]
    real_decode = llama_pair.GuidedPair._decode

    def decode(self, entries, want_logits):  # type: ignore[no-untyped-def]
        for _token, seq in entries if not want_logits else ():
            read[seq] += 1
        return real_decode(self, entries, want_logits)

    monkeypatch.setattr(llama_pair.GuidedPair, "_decode", decode)
    return read


def styled_after_a_suggestion(
    engine, monkeypatch: pytest.MonkeyPatch, text: str, style: Style
) -> tuple[list[int], Assembly, int]:
    """Ctrl+Enter right after a suggestion at the end of `text`, nothing of it in the pair:
    what the pair read of each prompt until the first words, the continuation's assembly,
    and how many tokens it copied from the main context."""
    pair = engine.guided_session([5, 6, 7], [5, 6, 7])
    pair.forget()  # nothing of this text in the pair
    list(SuggestJob(text, len(text), SuggestOptions()).run(engine, threading.Event(), print))
    read = pair_reads(monkeypatch)
    job = ContinueJob(text, GREEDY, style=style)
    asm = job.assemble(engine)
    copied_before = pair.copied
    cancel = threading.Event()
    for item in job.run(engine, cancel, lambda _t: cancel.set()):
        if isinstance(item, str) and item:
            break
    return read, asm, pair.copied - copied_before


def run(job, engine) -> list:  # type: ignore[no-untyped-def]
    """The job's text pieces (or events); the assembled prompt comes first and is checked."""
    drafts: list[str] = []
    out = list(job.run(engine, threading.Event(), drafts.append))
    if out and isinstance(out[0], Assembly):
        assert out[0].total_tokens <= out[0].budget
        return out[1:]
    return out


def test_jobs_are_frozen_and_know_their_kind() -> None:
    job = ContinueJob("Once", GREEDY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        job.text_before = "Twice"  # type: ignore[misc]
    kinds = {
        ContinueJob.kind, RewriteJob.kind, SuggestJob.kind, EntryJob.kind, SynopsisJob.kind,
        AskJob.kind,
    }  # fmt: skip
    assert kinds == set(JobKind)


def test_continue_plain_and_styled_on_a_real_engine(tiny_gpt2_engine) -> None:
    plain = "".join(run(ContinueJob("Alice was", GREEDY), tiny_gpt2_engine))
    again = "".join(run(ContinueJob("Alice was", GREEDY), tiny_gpt2_engine))
    assert plain and plain == again
    styled = run(ContinueJob("Alice was", GREEDY, style=Style(length="sentence")), tiny_gpt2_engine)
    assert all(isinstance(chunk, str) for chunk in styled) and "".join(styled)


def test_the_bible_reaches_the_prompt() -> None:
    engine = FakeEngine()
    bible = ({"Name": "Wren Ashby", "Occupation": "Clockmaker"},)
    run(ContinueJob("Wren opened the shop", GREEDY, bible=bible), engine)
    assert "Wren Ashby" in engine.prompts[-1]
    run(SuggestJob("Wren opened the shop and", 24, SuggestOptions(), bible=bible), engine)
    assert "Clockmaker" in engine.prompts[-1]


def test_rewrite_runs_headless(tiny_gpt2_engine) -> None:
    out = "".join(run(RewriteJob("The cat sat on the mat.", Style(), seed=2), tiny_gpt2_engine))
    assert isinstance(out, str)
    engine = FakeEngine()
    run(RewriteJob("The cat sat on the mat.", Style(), seed=2), engine)
    assert "Original passage:\nThe cat sat on the mat." in engine.prompts[-1]


def test_entry_job_yields_typed_events_for_each_alternative(tiny_gpt2_engine) -> None:
    job = EntryJob("character", premise="A clockmaker's apprentice", seed=3, count=2)
    events = run(job, tiny_gpt2_engine)
    assert events and all(isinstance(e, EntryEvent) for e in events)
    finals = [(e.alt, e.field) for e in events if e.final]
    assert {alt for alt, _ in finals} == {0, 1}
    assert ("0", "Name") not in finals and (0, "Name") in finals


def test_jobs_with_a_book_tell_the_model_its_memory_and_say_what_they_sent() -> None:
    engine = FakeEngine()
    book = BookContext(
        memory="Wren is a clockmaker's apprentice.",
        earlier=(Note("Chapter 1", "Wren finds the broken clock."),),
        chapter=Note("Chapter 2", "Wren repairs it."),
    )
    out = list(
        SuggestJob("Wren opened the shop and", 24, book=book).run(
            engine, threading.Event(), lambda _s: None
        )
    )
    asm = out[0]
    assert isinstance(asm, Assembly) and asm.task == "suggestion"
    assert engine.prompts[-1].startswith("Notes on the book:\nWren is a clockmaker")
    assert "Wren finds the broken clock" in engine.prompts[-1]
    run(ContinueJob("Wren opened the shop", GREEDY, book=book), engine)
    assert "Chapter 2: Wren repairs it." in engine.prompts[-1]
    run(RewriteJob("Wren opened the shop.", Style(), seed=2, book=book), engine)
    assert "clockmaker's apprentice" in engine.prompts[-1]


def test_synopsis_job_drafts_one_line(tiny_gpt2_engine) -> None:
    out = run(SynopsisJob("Wren opened the shop. The clock had stopped at noon."), tiny_gpt2_engine)
    assert len(out) == 1 and "\n" not in out[0]


def test_a_plain_continuation_reads_the_suggestions_window(llama_engine) -> None:
    """So the prompt a suggestion (or the resting cursor's prefill) read is in the cache."""
    from backend.jobs.suggest import SuggestOptions
    from tests.conftest import SAMPLE_PROSE

    text = (SAMPLE_PROSE + "\n\n") * 40
    continuation = ContinueJob(text, GREEDY).assemble(llama_engine)
    suggestion = SuggestJob(text, len(text), SuggestOptions()).assemble(llama_engine)
    assert continuation.prefix + continuation.body == suggestion.prefix + suggestion.body
    assert len(continuation.body) < len(text)  # a window, not the whole text


def test_a_styled_continuation_reads_the_suggestions_window_with_its_header_in_it(
    llama_engine,
) -> None:
    """The style header counts on top of the suggestion's window, so the plain prompt a
    styled run is guided against is the one the suggestion read, and the styled prompt is
    that prompt with the header three paragraphs before the end: what `build_prompts`
    sends, exactly."""
    from backend.jobs.styled import StoryContext, build_prompts
    from tests.conftest import SAMPLE_PROSE

    text = (SAMPLE_PROSE + "\n\n") * 40 + "The end"
    style = Style(pov="first", tense="past")
    styled = ContinueJob(text, GREEDY, style=style).assemble(llama_engine)
    suggestion = SuggestJob(text, len(text), SuggestOptions()).assemble(llama_engine)
    assert styled.prefix + styled.body == suggestion.prefix + suggestion.body
    header = styled.section("style")
    assert header is not None and header.tokens > 0
    assert styled.total_tokens <= styled.budget == suggestion.budget + header.tokens
    at = styled.prompt.index(header.text)
    assert styled.prompt[:at] + styled.prompt[at + len(header.text) :] == suggestion.prompt
    # Three paragraphs back, or fewer when they run long (HEADER_REACH): here the last one.
    assert styled.prompt.endswith("\n\n" + header.text + "The end")
    story = StoryContext(authors_note=styled.authors_note, lore=styled.prefix)
    assert build_prompts(styled.recent, style, story) == (styled.prompt, suggestion.prompt)


def test_without_room_for_it_on_top_the_header_takes_from_the_window() -> None:
    """An engine whose context holds no more than the suggestion's window keeps the prompt
    inside the context: the header comes out of the window, as before."""
    from tests.conftest import SAMPLE_PROSE

    engine = FakeEngine()  # 2,048 tokens of context, no room beyond the window
    text = (SAMPLE_PROSE + "\n\n") * 40
    styled = ContinueJob(text, GREEDY, style=Style(pov="first")).assemble(engine)
    assert styled.section("style") is not None
    assert styled.total_tokens <= styled.budget <= engine.context_length


def test_a_styled_continuation_after_a_suggestion_reads_only_its_styled_prompt(
    llama_engine, monkeypatch
) -> None:
    """Ctrl+Enter before anything was read ahead for the style, right after a suggestion at
    the cursor: the plain prompt comes from the suggestion's cache, and only the styled one
    is read."""
    from tests.conftest import SAMPLE_PROSE

    text = "The harbour master kept a ledger of storms. " + SAMPLE_PROSE * 5
    style = Style(pov="first", tense="past")
    read, asm, _copied = styled_after_a_suggestion(llama_engine, monkeypatch, text, style)
    styled_tokens = len(llama_engine.tokenize(asm.prompt))
    assert read[0] > styled_tokens // 2  # the styled prompt was read
    assert read[1] < 16  # the plain one was copied, but for its last batch or two


def test_after_a_suggestion_a_styled_continuation_reads_only_its_header_and_last_paragraphs(
    llama_engine, monkeypatch
) -> None:
    """Ctrl+Enter right after a suggestion, at a place with more than three paragraphs:
    both of the pair's prompts start as the suggestion's, so both are copied from its cache
    and only the header and the paragraphs after it are read (and the batch they start in)."""
    from backend.engines.llama_batches import PREFILL_CHUNK
    from tests.conftest import SAMPLE_PROSE

    text = "\n\n".join(f"The {n} ships came in. " + SAMPLE_PROSE[:200] for n in range(40))
    style = Style(pov="first", tense="past")
    read, asm, copied = styled_after_a_suggestion(llama_engine, monkeypatch, text, style)
    header = asm.section("style")
    assert header is not None
    after = asm.prompt[asm.prompt.index(header.text) :]
    styled_tokens = len(llama_engine.tokenize(asm.prompt))
    assert 0 < read[0] <= len(llama_engine.tokenize(after)) + PREFILL_CHUNK
    assert read[0] < styled_tokens // 3
    assert read[1] < 16  # the plain one was copied, but for its last batch or two
    assert copied > styled_tokens


def test_a_styled_continuation_read_ahead_leaves_nothing_to_read(llama_engine, monkeypatch) -> None:
    """Read ahead at a place (the window does it when a writer who uses a style rests), the
    styled continuation there reads no prompt token anew before its first words."""
    from backend.engines import llama_pair
    from tests.conftest import SAMPLE_PROSE

    read: list[int] = []
    real_decode = llama_pair.GuidedPair._decode

    def decode(self, entries, want_logits):  # type: ignore[no-untyped-def]
        if not want_logits:
            read.append(len(entries))  # prompt batches: the pair reading text
        return real_decode(self, entries, want_logits)

    monkeypatch.setattr(llama_pair.GuidedPair, "_decode", decode)
    text = "The lighthouse keeper counted ships that never came. " + SAMPLE_PROSE * 4
    style = Style(pov="first", tense="past")
    ahead = ContinueJob(text, GREEDY, style=style, prepare_only=True)
    assert list(ahead.run(llama_engine, threading.Event(), lambda _t: None)) == []
    assert sum(read) > 100  # both prompts were read
    read.clear()
    cancel = threading.Event()
    drafts: list[str] = []

    def draft(piece: str) -> None:
        drafts.append(piece)
        cancel.set()  # the first words are what this is about

    for item in ContinueJob(text, GREEDY, style=style).run(llama_engine, cancel, draft):
        if isinstance(item, str) and item:
            break
    assert sum(read) == 0


def test_read_ahead_is_for_guided_styles_only(llama_engine, monkeypatch) -> None:
    """A plain continuation shares the suggestion's prompt already, and an unguided style
    reads in the context suggestions use: reading ahead for either would only cost."""
    from backend.engines import llama_pair

    seated: list[int] = []
    monkeypatch.setattr(llama_pair.GuidedPair, "seat", lambda *a, **k: seated.append(1) or True)
    text = "Wren walked to the end of the pier and waited for the boat."
    for style in (None, Style(pov="first", guidance=1.0)):
        job = ContinueJob(text, GREEDY, style=style, prepare_only=True)
        assert list(job.run(llama_engine, threading.Event(), lambda _t: None)) == []
    assert seated == []


def test_text_stops_before_a_copy_of_a_notes_form(monkeypatch) -> None:
    # A small base model sometimes carries a drafted synopsis's cast into the page.
    monkeypatch.setattr("tests.fakes.WORDS", ["She", "left", "(Here:", "June.)", "Then", "rain"])
    engine = FakeEngine()
    params = dataclasses.replace(GREEDY, max_tokens=8, seed=0)  # the fake starts at "She"
    drafted = BookContext(chapter=Note("Chapter 2", "Wren repairs it. (Here: June.)", draft=True))
    cases = [
        ContinueJob("Wren opened the shop.", params, book=drafted),
        ContinueJob("Wren opened the shop.", params, style=Style(), book=drafted),
        SuggestJob("Wren opened the shop.", 21, book=drafted),
    ]
    for job in cases:
        text = "".join(run(job, engine))
        assert "(Here" in engine.prompts[-1]
        assert text.strip() == "She left", job
    # Where the notes have no such form, the same words are the writer's to keep.
    plain = BookContext(chapter=Note("Chapter 2", "Wren repairs it."))
    text = "".join(run(ContinueJob("Wren opened the shop.", params, book=plain), engine))
    assert "(Here: June.)" in text
    # An author's note's bracket ends a styled continuation that copies it.
    monkeypatch.setattr("tests.fakes.WORDS", ["She", "left", "[Author's", "note:", "rain]"])
    noted = ContinueJob("Wren opened the shop.", params, style=Style(), authors_note="Rain.")
    assert "".join(run(noted, engine)).strip() == "She left"


def test_a_cold_styled_continuation_reads_the_shared_text_once_and_writes_the_same(
    llama_engine, monkeypatch
) -> None:
    """Ctrl+Enter where neither context read anything: the plain prompt (all of the styled
    one but its last paragraphs) is read once, in the main context, and copied into both of
    the pair's sequences; the words are the ones reading both prompts in the pair gives."""
    from backend.engines import llamacpp
    from tests.conftest import CORPUS

    alice = CORPUS.read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", alice[30000:38000])]
    text = "\n\n".join(p for p in paragraphs[1:] if p)
    style = Style(pov="first", tense="past", length="sentence")
    read = pair_reads(monkeypatch)

    def cold_run() -> str:
        llama_engine.guided_session([5, 6, 7], [5, 6, 7]).forget()
        other = "Nothing of the bells here."  # the main context holds something else
        list(
            SuggestJob(other, len(other), SuggestOptions()).run(
                llama_engine, threading.Event(), print
            )
        )
        read[:] = [0, 0]
        job = ContinueJob(text, dataclasses.replace(GREEDY, seed=3), style=style)
        return "".join(
            x for x in job.run(llama_engine, threading.Event(), print) if isinstance(x, str)
        )

    once = cold_run()
    read_once = list(read)
    monkeypatch.setattr(llamacpp, "READ_ONCE_TOKENS", 10**9)
    twice = cold_run()
    styled_tokens = len(
        llama_engine.tokenize(ContinueJob(text, GREEDY, style=style).assemble(llama_engine).prompt)
    )
    assert read[0] > styled_tokens // 2 and read[1] > styled_tokens // 2  # both read here
    # Both copied but for their last batches (read again when a sentence is tried again).
    assert read_once[0] < styled_tokens // 3 and read_once[1] < 64
    assert once == twice and once.strip()


def dry_uses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which sampler applied DRY from now on: 'llama.cpp' per chain, 'inkling' per token."""
    from backend.engines import llama_adapter, sampling

    used: list[str] = []
    real_chain, real_dry = llama_adapter.native_chain, sampling._dry

    def chain(model, params, history, **sampling_args):  # type: ignore[no-untyped-def]
        used.append("llama.cpp")
        return real_chain(model, params, history, **sampling_args)

    def dry(*args):  # type: ignore[no-untyped-def]
        used.append("inkling")
        return real_dry(*args)

    monkeypatch.setattr(llama_adapter, "native_chain", chain)
    monkeypatch.setattr(sampling, "_dry", dry)
    return used


def first_words(job, engine) -> None:  # type: ignore[no-untyped-def]
    """Run `job` until its first text."""
    for item in job.run(engine, threading.Event(), lambda _t: None):
        if isinstance(item, str) and item.strip():
            return


def test_continuations_are_kept_from_looping_and_nothing_else_is(llama_engine, monkeypatch) -> None:
    text = "The clock struck thirteen, and Wren looked up from the bench."
    used = dry_uses(monkeypatch)
    first_words(ContinueJob(text, GREEDY), llama_engine)  # plain: llama.cpp samples
    assert used == ["llama.cpp"]
    first_words(ContinueJob(text, GREEDY, style=Style(length="sentence")), llama_engine)
    assert used[1:] and set(used[1:]) == {"inkling"}  # styled: Inkling's own sampler
    used.clear()
    first_words(SuggestJob(text, len(text), SuggestOptions()), llama_engine)
    first_words(RewriteJob("Wren looked up.", Style(), seed=2), llama_engine)
    first_words(SynopsisJob(text), llama_engine)
    assert used == []
