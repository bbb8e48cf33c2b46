"""The serve ops' "lang" field: entries in the premise's language unless told otherwise."""

from __future__ import annotations

import json

from backend.serve import handle_line

ZH_PREMISE = "渡口的船夫答应载一位没有影子的客人过江。"


def test_a_chinese_premise_gets_a_chinese_entry_unless_told(llama_engine) -> None:
    reply = handle_line(
        llama_engine, json.dumps({"id": 1, "op": "background", "premise": ZH_PREMISE})
    )
    assert reply["lang"] == "zh", reply
    told = handle_line(
        llama_engine,
        json.dumps({"id": 2, "op": "background", "premise": ZH_PREMISE, "lang": "en"}),
    )
    assert told["lang"] == "en"
    bad = handle_line(
        llama_engine,
        json.dumps({"id": 3, "op": "character", "premise": ZH_PREMISE, "lang": "x" * 40}),
    )
    assert "error" in bad and "lang" in bad["error"]
