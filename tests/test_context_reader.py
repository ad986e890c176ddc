"""The build-context reader's folder listing (`names`) only spares probes: every probe
it rules out would have read nothing."""

from __future__ import annotations

import os

from migrate.analysis.credential_copies import PROBE_NAMES, probes_under
from migrate.parallel import context_reader


def _tree(root):
    files = {
        ".npmrc": "//registry.npmjs.org/:_authToken=abc\n",
        "app/.aws/credentials": "[default]\naws_secret_access_key=x\n",
        "app/settings.xml": "<settings/>\n",
        "app/sub/.netrc": "machine h login u password p\n",
        "kubeconfig": "apiVersion: v1\n",
    }
    for rel, text in files.items():
        path = os.path.join(root, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    os.symlink("app", os.path.join(root, "linked"))
    with open(os.path.join(root, "Dockerfile"), "w") as f:
        f.write("FROM scratch\n")


def test_probes_ruled_out_by_the_listing_would_have_read_nothing(tmp_path):
    _tree(tmp_path)
    read = context_reader(str(tmp_path / "Dockerfile"))
    for base in (".", "app", "app/sub", "linked", "missing", "app/missing", "../x", "/etc", ".npmrc"):
        kept = set(probes_under(read, base))
        for probe in PROBE_NAMES:
            rel = probe if base == "." else f"{base}/{probe}"
            if probe not in kept:
                assert read(rel) is None, (base, probe)
    assert set(probes_under(read, ".")) == {".npmrc", "kubeconfig"}
    assert set(probes_under(read, "app")) == {".aws/credentials", "settings.xml"}
    assert probes_under(read, "missing") == []
    assert tuple(probes_under(read, "../x")) == PROBE_NAMES  # not listed: every probe asked (and refused)
    assert read("app/.aws/credentials") is not None and read("linked/settings.xml") is not None


def test_a_reader_without_a_listing_probes_everything():
    assert tuple(probes_under(lambda rel: None, ".")) == PROBE_NAMES
    assert tuple(probes_under(None, ".")) == PROBE_NAMES
