"""The prefilter's fast scans answer exactly what their plain (regex) versions answer."""

from __future__ import annotations

import random
import re

from migrate.syntax.parser import BOM
from migrate.syntax.prescan import logical_view
from migrate.syntax.words import GO_SPACE

from corpus import corpus_files, read_text
from golden import cases

TEXTS = [c.input for c in cases()] + [read_text(p) for f in ("clean", "unsafe", "migrated") for p in corpus_files(f)]

_GO_BLANK = "[" + re.escape("".join(sorted(GO_SPACE - {"\n"}))) + "]"
_PLAIN_CONTINUATION = re.compile(
    rf"(?m)^(?!{_GO_BLANK}*#)([^\n]*?)(?<!\\)\\[ \t]*\r*\n(?:{_GO_BLANK}*(?:#[^\n]*)?(?:\n|\Z))*"
)


def plain_logical_view(text: str) -> str:
    text = text[1:] if text.startswith(BOM) else text
    return _PLAIN_CONTINUATION.sub(r"\1", text)


def fuzz_texts(alphabet: str, count: int, seed: int, longest: int = 40) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(count)]


def test_logical_view_equals_the_plain_regex():
    texts = TEXTS + [t.replace("\n", "\r\n") for t in TEXTS[:50]] + [BOM + t for t in TEXTS[:20]]
    texts += fuzz_texts("\\\\\\ \t\r\n\n\n#a\x0b\x85\u3000\x1c", 20000, 1)
    texts += fuzz_texts("\\\\ \n\n#aR", 20000, 2, longest=12)
    texts += fuzz_texts("\\\\ \n\n#a\x00", 5000, 3, longest=16)  # the stand-in character itself
    texts += ["# docker run \\\nFROM a\n", "RUN a \\\n# c \\\n  b\n# d \\\nRUN c\n", "\x00# a \\\nb\n"]
    for text in texts:
        assert logical_view(text) == plain_logical_view(text), repr(text[:300])


def test_declared_parts_equal_the_plain_regex():
    from migrate import prefilter

    texts = TEXTS + [t.upper() for t in TEXTS[:50]] + [t.swapcase() for t in TEXTS[:50]]
    texts += ["\u212aey\nARG A\n", "ARG\u3000B\nenv\tC=1\n", "onBuild  OnBuild Arg X", "\ufeffARG T\n", "\r\nEnV X\r\n"]
    words = ["arg", "ARG", "Env", "eNV", "onbuild", "ONBUILD", " ", " ", "\t", "\n", "\n", "x", "=", "\u212a", "\xa0"]
    rnd = random.Random(4)
    texts += ["".join(rnd.choice(words) for _ in range(rnd.randint(0, 16))) for _ in range(20000)]
    for text in texts:
        plain = [m.group(1) for m in prefilter._DECLARATION.finditer(text)]
        assert prefilter.declared_parts(text) == plain, repr(text[:300])


def test_assigned_runs_equal_the_plain_regex():
    from migrate import prefilter

    texts = TEXTS + fuzz_texts("aZ_09=- \n", 20000, 5) + ["", "=", "a==b=c", "_=1 x_=2"]
    for text in texts:
        assert prefilter.assigned_runs(text) == set(prefilter._ASSIGNED_RUN.findall(text)), repr(text[:300])


def plain_may_raise(text: str) -> bool:
    """may_raise as it was before its fast paths: every ENV/LABEL line through the parser's check."""
    from migrate.syntax import DockerfileSyntaxError
    from migrate.syntax.parser import _check_name_val, _lstrip_go, _rstrip_go
    from migrate.syntax.prescan import _HAS_INSTRUCTION, _JSON_NON_STRING, _NAME_VAL_LINE
    from migrate.syntax.words import RE_WS_CHARS, builder_flags

    if "<<" in text:
        return True
    view = plain_logical_view(text)
    if re.match(r"\s*#\s*(escape|syntax|check)\s*=", view[:4096], re.I):
        return True
    if _JSON_NON_STRING.search(view) or not _HAS_INSTRUCTION.search(view):
        return True
    for m in _NAME_VAL_LINE.finditer(view):
        rest = _rstrip_go(m.group(1))
        if rest.endswith(("\\", "`")) or "#" in rest:
            return True
        if rest and rest[0] not in RE_WS_CHARS:
            continue
        rest = _lstrip_go(rest)
        rest = rest[builder_flags(rest, 0)[1]:]
        try:
            _check_name_val(rest, 0, len(rest), "\\", "ENV", 1)
        except DockerfileSyntaxError:
            return True
    return False


def test_may_raise_answers_as_the_plain_version_but_for_json_looking_shell_text():
    from migrate.syntax import DockerfileSyntaxError, parse
    from migrate.syntax.prescan import may_raise

    words = ["ENV", "env", "LABEL", "Label", "onbuild", " ", " ", "\t", "\n", "A", "b_1", "=", "=", "x", "-", "--f",
             "'", '"', "\\", "`", "$V", '"a b"', "'c d'", '"', "'", ".", "\u212a", "\xa0", "\x1c", "[", ",", "1"]
    rnd = random.Random(6)
    texts = TEXTS + [t.swapcase() for t in TEXTS[:50]]
    texts += ["FROM a\n" + "".join(rnd.choice(words) for _ in range(rnd.randint(0, 14))) for _ in range(30000)]
    texts += ["FROM a\nENV --f x\n", "FROM a\nENV --f=1 x\n", "FROM a\nENV -x y\n", "FROM a\nLABEL a=1 b\n"]
    sharper = 0
    for text in texts:
        plain = plain_may_raise(text)
        if may_raise(text) != plain:
            assert plain, repr(text[:300])  # never less careful...
            try:  # ...and sharper only where the parser accepts the text
                parse(text)
            except DockerfileSyntaxError:
                raise AssertionError(repr(text[:300])) from None
            sharper += 1
    assert sharper > 10  # corpus RUN lines such as `-Wl,--strip-all` or `['a', 1]` in shell code


def test_may_raise_finds_every_json_array_with_a_non_string():
    from migrate.syntax import DockerfileSyntaxError, parse
    from migrate.syntax.prescan import may_raise

    lead = ["", " ", "\xa0", "\t", "onbuild ", "ONBUILD ONBUILD ", "ONBU\u0131LD ", "\x1c"]
    keyword = ["RUN", "cmd", "Entrypoint", "SHELL", "COPY", "ADD", "VOLUME", "HEALTHCHECK", "HEALTHCHECK CMD",
               "healthcheck --interval=1s cmd", "RUN --mount=type=cache,target=/x", "LABEL", "ECHO"]
    blank = [" ", "\t", "\xa0", " \xa0", "\x0b", "\u3000", "\x1c", "", " \\\n  "]
    array = ['[1]', '["a", 2]', '["a",true]', '[["a"]]', '["a", {"b": 1}]', '[null]', '["a"]', '[-1]', '[ 1 ]']
    rnd = random.Random(10)
    raised = 0
    for _ in range(20000):
        line = rnd.choice(lead) + rnd.choice(keyword) + rnd.choice(blank) + rnd.choice(blank) + rnd.choice(array)
        text = "FROM a\n" + line + rnd.choice(["", "\n", " x\n"])
        try:
            parse(text)
        except DockerfileSyntaxError:
            raised += 1
            assert may_raise(text), repr(text)
    assert raised > 1000
