"""The fast indented JSON writer gives json.dumps(indent=2)'s text exactly."""

from __future__ import annotations

import json

import pytest

from migrate.engine import migrate_source
from migrate.jsonfmt import dumps_indented

from corpus import corpus_files, read_text

SAMPLES = [
    {}, [], "", 0, -3, 10**30, True, False, None, 1.5, float("1e300"), -0.0,
    {"a": [], "b": {}, "c": [1, [2, [3, {}]]], "d": {"e": {"f": None}}},
    {"é": "ünïcödé \u2028 \x00 \x1f \"quoted\" \\ back", "emoji": "\U0001F600"},
    [{"x": 1}, {"y": [True, False, None]}],
    ("tuple", 1),
]


@pytest.mark.parametrize("obj", SAMPLES)
def test_same_text_as_json_dumps(obj):
    assert dumps_indented(obj) == json.dumps(obj, indent=2)
    prefixed = "\n".join("    " + line for line in json.dumps(obj, indent=2).split("\n"))
    assert "    " + dumps_indented(obj, "    ") == prefixed


def test_same_text_for_real_reports():
    n = 0
    files = [p for folder in ("clean", "unsafe", "migrated") for p in corpus_files(folder)]
    if not files:
        pytest.skip("shared corpus not found")
    for path in files:
        d = migrate_source(read_text(path), path=path.name).to_json(path.name)
        assert dumps_indented(d) == json.dumps(d, indent=2)
        n += 1
    assert n > 0


def test_refuses_what_json_refuses():
    with pytest.raises(TypeError):
        dumps_indented({"a": object()})
