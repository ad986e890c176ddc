"""The speed-ups of the hot paths answer exactly what the plain versions answer."""

from __future__ import annotations

import os

import pytest

from migrate.analysis import credential_copies, token_writes
from migrate.analysis.credential_files import kind_of_name
from migrate.parallel import context_reader

from corpus import corpus_files, read_text
from golden import cases

TEXTS = [c.input for c in cases()] + [read_text(p) for f in ("clean", "unsafe", "migrated") for p in corpus_files(f)]
TRICKY = ["RUN echo PASSWORD", "RUN echo \u017fecret", "RUN \u212aube", "RUN sed -i s/x/$Y/ f", "RUN SED x\n$",
          "RUN bundle  config h:x", "RUN curl https://u:p@h", "RUN curl HTTPS://U@H", "COPY .NPMRC .", "COPY \u0130.env ."]


@pytest.mark.parametrize("module", [credential_copies, token_writes], ids=["DM201", "DM202"])
def test_hint_equals_the_regex(module):
    assert len(TEXTS) > 50
    for text in TEXTS + TRICKY:
        for variant in (text, text.upper(), text.swapcase()):
            assert module._hint(variant) == (module._HINT.search(variant) is not None), variant[:200]


def test_kind_of_name_cache_keeps_tools_apart():
    assert kind_of_name("settings.xml", is_source=True) is None
    assert kind_of_name("settings.xml", is_source=True, tools=frozenset({"mvn"})).id == "maven_settings"
    assert kind_of_name("settings.xml", is_source=True) is None
    assert kind_of_name("ci/.npmrc", is_source=True).id == "npmrc"


def test_context_reader_answers_like_the_file_system(tmp_path):
    ctx = tmp_path / "ctx"
    (ctx / ".docker").mkdir(parents=True)
    (ctx / ".npmrc").write_text("//r/:_authToken=x\n")
    (ctx / ".docker" / "config.json").write_text("{}")
    (tmp_path / "outside").write_text("no")
    os.symlink(tmp_path / "outside", ctx / "link")
    read = context_reader(str(ctx / "Dockerfile"))
    assert read(".npmrc") == "//r/:_authToken=x\n"
    assert read("./.npmrc") == "//r/:_authToken=x\n"
    assert read(".docker/config.json") == "{}"
    assert read(".docker/../.npmrc") == "//r/:_authToken=x\n"
    assert read("missing/../.npmrc") == "//r/:_authToken=x\n"  # normalised as before
    for absent in (".netrc", ".aws/credentials", "../outside", "link", "/etc/passwd", ".", ".docker"):
        assert read(absent) is None, absent
    (ctx / ".netrc").write_text("machine h password p\n")
    assert context_reader(str(ctx / "Dockerfile"))(".netrc") is not None  # a new reader lists again


def test_assigned_names_match_the_plain_regex():
    import random

    from migrate import prefilter

    rnd = random.Random(7)
    texts = TEXTS + ["".join(rnd.choice("aZ_09=- \n") for _ in range(rnd.randint(0, 30))) for _ in range(5000)]
    for text in texts:
        plain = set(prefilter._ASSIGNED.findall(text))
        fast = {r.lstrip("0123456789") for r in prefilter._ASSIGNED_RUN.findall(text)} - {""}
        assert plain == fast, text[:200]


def test_context_listing_is_reused_only_while_the_folder_is_unchanged(tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    old = 1_000_000_000_000_000_000  # a folder last changed long ago: its listing may be shared
    os.utime(ctx, ns=(old, old))
    assert context_reader(str(ctx / "a.Dockerfile"))(".npmrc") is None
    (ctx / ".npmrc").write_text("x")  # moves the folder's mtime: the next Dockerfile lists again
    assert context_reader(str(ctx / "b.Dockerfile"))(".npmrc") == "x"
    os.utime(ctx, ns=(old, old))
    (ctx / ".npmrc").unlink()
    os.utime(ctx, ns=(old + 1, old + 1))
    assert context_reader(str(ctx / "c.Dockerfile"))(".npmrc") is None


def test_settings_with_a_reader_equals_dataclasses_replace():
    from dataclasses import fields, replace

    from migrate.parallel import _with_reader
    from migrate.settings import Settings

    base = Settings(select=frozenset({"DM1"}), ignore=frozenset({"DM104"}), frontend="legacy",
                    runtime_names=("X",), max_passes=3)

    def reader(rel):
        return None

    fast, slow = _with_reader(base, reader), replace(base, read_context=reader)
    assert all(getattr(fast, f.name) == getattr(slow, f.name) for f in fields(Settings))
    assert fast.read_context is reader and base.read_context is None
    assert fast == slow and hash(fast) == hash(slow) and type(fast) is Settings
