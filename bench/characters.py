"""Character generator benchmark on the bundled model: validity, speed, copying, variety.

20 premises x 3 genres, one sheet each (seed = premise index), plus 5 seeds of one premise
for name variety. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time

from common import bundled_model_path, percentile

from backend.engines.llamacpp import LlamaCppEngine
from backend.jobs.character import example_values, generate_entry, invalid_fields
from backend.story.bible import CHARACTER_FIELDS

PREMISES = [
    "A lighthouse keeper finds a stranded girl with a red umbrella.",
    "Two rival bakers must cater the same royal wedding.",
    "A cartographer discovers a street that is not on any map.",
    "A retired detective receives a letter from her dead sister.",
    "The last train of the night never reaches its final station.",
    "A village forgets one word every winter.",
    "A violinist can hear the thoughts of anyone who listens to her play.",
    "An archivist finds her own obituary dated next week.",
    "A ship's cook is the only one awake when the crew stops ageing.",
    "Siblings inherit a hotel where every room is a different year.",
    "A beekeeper's hives start building letters in the comb.",
    "A courier must deliver a package that grows heavier with every lie.",
    "A small-town radio host starts receiving calls from the future.",
    "A gardener grows a tree that bears keys instead of fruit.",
    "A translator is hired to speak for a visitor no one else can see.",
    "An elderly twin swaps places with her sister for one last week.",
    "A mountain rescue team finds footprints leading up, never down.",
    "A museum guard notices one painting changes every night.",
    "A tailor sews coats that let the wearer walk through walls.",
    "A chess prodigy realises her opponent is her future self.",
]
GENRES = ["mystery", "fantasy", "romance"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--premises", type=int, default=len(PREMISES))
    args = parser.parse_args()
    engine = LlamaCppEngine(bundled_model_path())
    engine.load()
    copied_values = example_values("character")
    times, valid, fields_total, fields_copied = [], 0, 0, 0
    problems: dict[str, int] = {}
    for i, premise in enumerate(PREMISES[: args.premises]):
        for genre in GENRES:
            started = time.perf_counter()
            sheet = generate_entry(engine, "character", premise, genre, seed=i + 1)
            times.append(time.perf_counter() - started)
            bad = invalid_fields(sheet, "character")
            valid += not bad
            for field, why in bad.items():
                problems[f"{field}: {why}"] = problems.get(f"{field}: {why}", 0) + 1
            for field in CHARACTER_FIELDS:
                fields_total += 1
                value = sheet[field].strip().lower()
                if field not in ("Age", "Gender/pronouns") and value in copied_values:
                    fields_copied += value not in ("none yet.", "none")
        print(f"{i + 1} premises, {valid}/{len(times)} valid", flush=True)
    names = {
        generate_entry(engine, "character", PREMISES[0], "mystery", seed=100 + s)["Name"]
        for s in range(5)
    }
    engine.close()
    print("problems:", json.dumps(problems, sort_keys=True))
    print(
        json.dumps(
            {
                "sheets": len(times),
                "valid_share": round(valid / len(times), 3),
                "mean_s": round(sum(times) / len(times), 2),
                "p95_s": round(percentile(times, 95), 2),
                "copied_share": round(fields_copied / fields_total, 4),
                "distinct_names_of_5_seeds": len(names),
            }
        )
    )


if __name__ == "__main__":
    main()
