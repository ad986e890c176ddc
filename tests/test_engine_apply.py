"""The engine's one-parse path for a fix pass (fixes and the `# syntax=` edit applied
together) must give exactly what applying them in two steps gives."""

from __future__ import annotations

import glob
import os

from migrate.engine import _apply, _select_fixes, check
from migrate.settings import DEFAULT_SETTINGS
from migrate.syntax import parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CRAFTED = [
    # The fix deletes the first instruction, which starts after a BOM, and needs a `# syntax=`
    # line at that same offset: the two-step path (directive added after the deletion) is
    # the only right one.
    "\ufeffARG SSH_PRIVATE_KEY\nFROM golang:1.22 AS build\nARG SSH_PRIVATE_KEY\n"
    "RUN mkdir -p /root/.ssh && printf '%s\\n' \"$SSH_PRIVATE_KEY\" > /root/.ssh/id_ed25519"
    " && git clone git@github.com:a/b\n",
    # The fix deletes the first instruction: the comment after it stands first and becomes a
    # directive of the rewritten text.
    "\ufeffARG NPM_TOKEN\n# syntax=docker/dockerfile:1.2\nFROM node\nRUN echo $NPM_TOKEN > x\n",
    "#!/usr/bin/env docker\nFROM node\nARG NPM_TOKEN\nRUN npm ci --token $NPM_TOKEN\n",
    "# syntax=docker/dockerfile:1.1\nFROM node\nARG NPM_TOKEN\nRUN npm ci --token $NPM_TOKEN\n",
    "FROM node\r\nARG NPM_TOKEN\r\nRUN npm ci --token $NPM_TOKEN\r\n",
    # Mixed newlines, balanced so that the fix's inserted lines could tip the file's style.
    "FROM node\r\nARG NPM_TOKEN\nRUN npm ci --token $NPM_TOKEN\r\nRUN true\n",
]


def _cases():
    texts = list(CRAFTED)
    for path in sorted(glob.glob(os.path.join(ROOT, "golden", "*", "*", "in.Dockerfile"))):
        with open(path, encoding="utf-8", newline="") as f:
            texts.append(f.read())
    return texts


def test_one_parse_pass_equals_two_step_pass():
    compared = merged = 0
    for text in _cases():
        try:
            df = parse(text)
        except Exception:
            continue
        fixes = _select_fixes(check(df, DEFAULT_SETTINGS))
        if not fixes:
            continue
        steps_one: list = []
        steps_two: list = []
        one = _apply(text, fixes, DEFAULT_SETTINGS, steps_one, df)
        two = _apply(text, fixes, DEFAULT_SETTINGS, steps_two, df, one_parse=False)
        assert (one is None) == (two is None), text
        if one is not None:
            assert one[0] == two[0], text
            assert one[1].text == two[1].text
            assert [d.value for d in one[1].directives] == [d.value for d in two[1].directives]
        assert steps_one == steps_two, text
        compared += 1
        merged += len(steps_one) == 2
    assert compared >= 40  # the golden cases with fixes
    assert merged >= 20  # and the one-parse path was taken for many of them


def test_the_bom_case_takes_the_two_step_path_and_keeps_its_fix():
    from migrate.engine import migrate_source

    r = migrate_source(CRAFTED[0])
    assert r.output.startswith("\ufeff# syntax=docker/dockerfile:1\nFROM golang:1.22 AS build\n")
    assert "SSH_PRIVATE_KEY" not in r.output and not r.notes
