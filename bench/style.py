"""Style-control benchmark on the bundled model.

20 story openings (third person, past tense) x 4 seeds. For each control: adherence with
full style control (header + exemplar, logit bias, guidance, and the sentence check that
samples a sentence again when it misses the voice), with the same levers but no sentence
check, and with no style control at all (the baseline). POV: first- vs third-person
pronouns outside dialogue decide (backend.story.style.detect_person). Tense: a verb-form heuristic
(backend.story.style.detect_tense: -ed and irregular past forms, not participles after has/is or
adjectives after her/the, against is/are/has and pronoun + -s verbs). Also length (median
words per setting and the share inside the panel's range), creativity (distinct-2 across
the slider), pronoun share (published prose: about 6-10%) with and without control, seconds
per request, time to the first text of a paragraph, and decode speed with and without
guidance. With --lang zh: 20 Chinese openings (third person), first- and third-person
adherence with and without control (the same detector: 我 against 他/她 outside quotes),
and paragraph lengths in characters. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from common import bundled_model_path

from backend.engines.llamacpp import LlamaCppEngine
from backend.jobs.styled import META, styled_stream
from backend.story.language import pack
from backend.story.style.detect import (
    detect_person,
    detect_tense,
    distinct_2,
    narration_words,
    pronoun_share,
)
from backend.story.style.header import header_marks, style_header
from backend.story.style.model import Style

OPENINGS = [
    "The rain had not stopped for three days when Martha finally opened the letter.",
    "Tom walked along the harbour wall, counting the boats that had not come back.",
    "The old house at the end of Mill Lane had been empty since the winter of the fire.",
    "Elena found the key under the third stone from the gate, exactly where the note said.",
    "Nobody in the village remembered the stranger arriving, but everyone saw him leave.",
    "The train slowed in the middle of the forest, and the lights in the carriage went out.",
    "Samuel had been a clockmaker for forty years, and he had never seen a clock run backwards.",
    "The wedding was supposed to start at noon, but the bride was still in the garden.",
    "When the letter arrived, Grace put it on the mantelpiece and did not open it for a week.",
    "The ship's bell rang twice in the fog, though no one was standing near it.",
    "Arthur kept the shop open late on Thursdays, for the customers who came after dark.",
    "The lighthouse keeper saw the small boat long before it reached the rocks.",
    "Mara had promised her mother she would never go down to the river alone.",
    "The snow began just after midnight, and by morning the road to the town had vanished.",
    "Daniel found the photograph in a library book he had borrowed for a school project.",
    "The market opened at dawn, and by six the square was loud with voices.",
    "Lucy had never liked the painting in the hall, the one with the woman in grey.",
    "The village band played the same three songs every summer, and nobody complained.",
    "Jonah woke to the sound of someone digging in the garden below his window.",
    "The detective arrived after the police had gone, which was how she preferred it.",
]


OPENINGS_ZH = [
    "雨已经下了三天，玛莎终于拆开了那封信。",
    "阿汤沿着港口的堤岸走着，数着那些没有回来的船。",
    "磨坊巷尽头的老房子，自从那年冬天失火以后就一直空着。",
    "艾琳在大门外第三块石头下面找到了钥匙，正是纸条上说的地方。",
    "村里没有人记得那个陌生人是什么时候来的，可大家都看见他走了。",
    "火车在森林中间慢了下来，车厢里的灯一下子全灭了。",
    "老周做了四十年钟表匠，从没见过一只倒着走的钟。",
    "婚礼本该在正午开始，新娘却还待在花园里。",
    "信到的那天，阿秀把它放在壁炉架上，一个星期都没有拆。",
    "雾里的船钟响了两下，可钟旁边一个人也没有。",
    "每到星期四，老陈的铺子总要开到很晚，等那些天黑以后才来的客人。",
    "守灯塔的人远远就看见了那条小船，那时它离礁石还很远。",
    "小梅答应过母亲，绝不一个人去河边。",
    "雪是半夜过后开始下的，到了早上，通往镇上的路已经不见了。",
    "小林在一本从图书馆借来的书里发现了一张照片。",
    "集市天一亮就开张了，不到六点，广场上已经人声鼎沸。",
    "露西从来不喜欢走廊里那幅画，画上是一个穿灰衣服的女人。",
    "村里的乐队每年夏天都演奏同样的三首曲子，从没有人抱怨。",
    "半夜里，阿杰被窗下花园里挖土的声音吵醒了。",
    "警察都走了以后，女探长才到，她向来喜欢这样。",
]


def run(engine, style: Style, seeds: int, openings: list[str], **flags) -> list[str]:
    out = []
    joiner = "" if flags.get("lang") == "zh" else " "
    for i, opening in enumerate(openings):
        for s in range(seeds):
            text = "".join(
                styled_stream(engine, opening + joiner, style, seed=1000 * i + s, **flags)
            )
            out.append(text)
    return out


def timed(engine, style: Style, seeds: int, openings: list[str], **flags) -> tuple[list, float]:
    started = time.perf_counter()
    texts = run(engine, style, seeds, openings, **flags)
    return texts, (time.perf_counter() - started) / max(1, len(texts))


def five_grams(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in narration_words(text)]
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def share(texts: list[str], detector, want: str) -> float:
    return sum(detector(t) == want for t in texts) / max(1, len(texts))


def first_text_seconds(
    engine, style: Style, openings: list[str], **flags
) -> tuple[float, float | None]:
    """Median seconds to the first kept text and to the first draft (None without one)."""
    waits, drafts = [], []
    for i, opening in enumerate(openings):
        started = time.perf_counter()
        seen: list[float] = []

        def draft(_text: str, seen: list[float] = seen) -> None:
            if not seen:
                seen.append(time.perf_counter())

        stream = styled_stream(engine, opening + " ", style, seed=i, draft=draft, **flags)
        next(stream, None)
        waits.append(time.perf_counter() - started)
        drafts += [t - started for t in seen]
        stream.close()
    return statistics.median(waits), (statistics.median(drafts) if drafts else None)


def han_runs(text: str, n: int = 6) -> set[str]:
    han = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")
    return {han[i : i + n] for i in range(len(han) - n + 1)}


def chinese(engine, args: argparse.Namespace) -> dict[str, float]:
    """Person adherence of Chinese continuations, with and without control, and lengths."""
    openings = OPENINGS_ZH[: args.openings]
    base = Style(length="sentence", creativity=0.5)
    off = {"use_bias": False, "use_header": False, "use_guidance": False, "use_check": False}
    result: dict[str, float] = {}
    echoes: list[bool] = []
    for name, pov, want in (
        ("pov_first", "first", "first"),
        ("pov_third", "third_limited", "third"),
    ):
        style = base.with_(pov=pov)
        on, secs_on = timed(engine, style, args.seeds, openings, lang="zh")
        copied = han_runs(style_header(style, "", "zh"))
        echoes += [bool(han_runs(t) & copied) for t in on]
        no_check, _ = timed(engine, style, args.seeds, openings, use_check=False, lang="zh")
        baseline, secs_off = timed(engine, style, args.seeds, openings, lang="zh", **off)
        result[name] = round(share(on, detect_person, want), 3)
        result[f"{name}_no_check"] = round(share(no_check, detect_person, want), 3)
        result[f"{name}_baseline"] = round(share(baseline, detect_person, want), 3)
        result[f"{name}_s_per_request"] = round(secs_on, 2)
        result[f"{name}_s_per_request_baseline"] = round(secs_off, 2)
        print(json.dumps(result), flush=True)
        print("sample:", on[0], "|", on[1], flush=True)
    # A six-character run of the style header (its exemplar) copied into the story.
    result["header_echo_share"] = round(sum(echoes) / len(echoes), 3)
    language = pack("zh")
    for length in ("sentence", "paragraph"):
        low, high = language.lengths[length]
        texts = run(engine, base.with_(pov="first", length=length), 2, openings[:5], lang="zh")
        chars = [language.count(t) for t in texts]
        result[f"median_chars_{length}"] = statistics.median(chars)
        result[f"in_range_{length}"] = round(sum(low <= c <= high for c in chars) / len(chars), 3)
        result[f"pov_first_{length}"] = round(share(texts, detect_person, "first"), 3)
        print(json.dumps(result), flush=True)
        print("sample:", texts[0], flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--openings", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args()
    openings = OPENINGS[: args.openings]
    engine = LlamaCppEngine(bundled_model_path())
    engine.load()
    if args.lang == "zh":
        print(json.dumps(chinese(engine, args), ensure_ascii=False))
        engine.close()
        return
    # Adherence is measured on one-sentence continuations (the first sentence is where a
    # base model commits to a person and tense); length and creativity use their own.
    base = Style(length="sentence", creativity=0.5)
    off = {"use_bias": False, "use_header": False, "use_guidance": False, "use_check": False}
    third = base.with_(pov="third_limited")
    cases = [
        ("pov_first", base.with_(pov="first", tense="past"), detect_person, "first"),
        ("pov_third", third.with_(tense="past"), detect_person, "third"),
        ("tense_past", third.with_(tense="past"), detect_tense, "past"),
        ("tense_present", third.with_(tense="present"), detect_tense, "present"),
    ]
    result: dict[str, float] = {}
    shares_on: list[float] = []
    shares_off: list[float] = []
    for name, style, detector, want in cases:
        on, secs_on = timed(engine, style, args.seeds, openings)
        no_check, _ = timed(engine, style, args.seeds, openings, use_check=False)
        baseline, secs_off = timed(engine, style, args.seeds, openings, **off)
        result[name] = round(share(on, detector, want), 3)
        result[f"{name}_no_check"] = round(share(no_check, detector, want), 3)
        result[f"{name}_baseline"] = round(share(baseline, detector, want), 3)
        result[f"{name}_s_per_request"] = round(secs_on, 2)
        result[f"{name}_s_per_request_baseline"] = round(secs_off, 2)
        shares_on += [pronoun_share(t) for t in on]
        shares_off += [pronoun_share(t) for t in baseline]
        print(json.dumps(result), flush=True)
    result["pronoun_share"] = round(statistics.mean(shares_on), 3)
    result["pronoun_share_baseline"] = round(statistics.mean(shares_off), 3)
    few = openings[:5]
    longer: list[str] = []
    for length in ("sentence", "paragraph", "beat"):
        low, high = pack("en").lengths[length]
        styled = base.with_(pov="first", tense="present", length=length)
        texts = run(engine, styled, 2, few)
        words = [len(t.split()) for t in texts]
        result[f"median_words_{length}"] = statistics.median(words)
        result[f"in_range_{length}"] = round(sum(low <= w <= high for w in words) / len(words), 3)
        if length == "paragraph":
            plain = run(engine, styled, 2, few, **off)
            result["pronoun_share_paragraph"] = round(
                statistics.mean(pronoun_share(t) for t in texts), 3
            )
            result["pronoun_share_paragraph_baseline"] = round(
                statistics.mean(pronoun_share(t) for t in plain), 3
            )
            for name, detector, want in (
                ("pov_first", detect_person, "first"),
                ("tense_present", detect_tense, "present"),
            ):
                result[f"{name}_paragraph"] = round(share(texts, detector, want), 3)
        longer += texts
        print(json.dumps(result), flush=True)
    # The header copied into the story: a label ("Narration:") or a five-word run of the
    # exemplar, in the paragraphs and beats.
    header = style_header(base.with_(pov="first", tense="present"))
    marks, runs = header_marks(header), five_grams(header)
    result["header_echo_share"] = round(
        sum(any(m in t for m in marks) or bool(five_grams(t) & runs) for t in longer) / len(longer),
        3,
    )
    # Talk about the narration instead of the story ("In this example, the narrator…").
    result["meta_talk_share"] = round(sum(bool(META.search(t)) for t in longer) / len(longer), 3)
    paragraph = base.with_(pov="first", tense="present", length="paragraph")
    kept, drafted = first_text_seconds(engine, paragraph, few)
    result["first_text_s_paragraph"] = round(kept, 2)
    result["first_draft_s_paragraph"] = round(drafted or 0.0, 2)
    unchecked, _ = first_text_seconds(engine, paragraph, few, use_check=False)
    result["first_text_s_paragraph_no_check"] = round(unchecked, 2)
    for c in (0.0, 0.5, 1.0):
        texts = run(engine, base.with_(creativity=c), 2, few)
        result[f"distinct2_creativity_{c}"] = round(distinct_2(texts), 3)
    # Guidance runs a second sequence: its cost is decode speed with and without it (the
    # sentence check is off here so that only guidance differs).
    beat = base.with_(pov="first", tense="present", length="beat")
    for name, flags in (("with_guidance", {}), ("without_guidance", {"use_guidance": False})):
        started = time.perf_counter()
        tokens = 0
        for text in run(engine, beat, 1, few[:3], use_check=False, **flags):
            tokens += len(engine.tokenize(text))
        result[f"decode_tps_{name}"] = round(tokens / (time.perf_counter() - started), 1)
    engine.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
