"""Hypothesis strategies that generate Dockerfiles.

`dockerfiles()` builds structured files: directives (`# syntax`, `# escape=``,
`# check`, a `#!` line), global ARGs, stages mixing every instruction kind
(FROM/ARG/ENV/RUN/COPY/ADD/CMD/ENTRYPOINT/HEALTHCHECK/LABEL/WORKDIR/USER/
ONBUILD/unknown), shell and exec forms, heredocs (`<<EOF`, `<<-EOF`, quoted,
several on one line, with an fd, now and then unterminated), continuations
with comment and empty lines inside, secret and non-secret names in the
ARG/ENV/RUN combinations the rules fix, Unicode, LF/CRLF/mixed line ends, a
BOM and a missing final newline. `token_soup()` glues Dockerfile fragments and
random characters together to reach the parser's corners.

Every strategy is built once at import (building strategies per draw is what
makes Hypothesis slow); the helpers below take Hypothesis' ``draw``.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

SECRET_NAMES = (
    "NPM_TOKEN", "THEPASSWORD", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "PIP_INDEX_URL", "DB_PASSWORD",
    "api_key", "POSTGRES_PASSWORD", "BUNDLE_GITHUB__COM", "SSH_PRIVATE_KEY",
)
PLAIN_NAMES = ("VERSION", "GPG_KEY", "HOME", "NODE_ENV", "TOKENIZER", "MAX_TOKENS", "PASSWORD_FILE", "BASE")
NAMES = SECRET_NAMES + PLAIN_NAMES

VALUES = (
    "", "1.2.3", "$VERSION", "${NPM_TOKEN}", "$THEPASSWORD", '"a b"', "'x y'", "true",
    "ghp_Zx9Lq2Wm4Rt7Yp1Kd8Hs3Vb6Nc0Jf5Gq2Tw8", "https://user:s3cr3tP4ss@pypi.example.com/simple",
    "https://pypi.org/simple", "héllo✓", "a\\ b", "${A:-b}", "changeme", "日本語",
)

# `N` stands for a variable name drawn separately.
COMMANDS = (
    "echo ${N}", "echo $N", "npm ci", "apt-get update", "apt-get install -y --no-install-recommends curl",
    "./use_secret.sh", "mkdir -p /app", "pip install -r requirements.txt",
    'curl -fsSL -H "Authorization: Bearer $N" https://api.example.com/x', "sh -c 'echo $N'", "make", "true",
    "cp a b", "N=literalValue123xyz ./x", "export N=abc", 'echo "$(cat /run/secrets/N)"',
    "git clone git@github.com:org/repo.git", "[ -f /a ] && echo", "echo 'ünïcödé ✓'", "echo a\\\\b",
    "echo ${N:-default}", "cat <<X", "echo '#not a comment'",
)
RUN_FLAGS = (
    "--mount=type=cache,target=/root/.cache", "--mount=type=secret,id=N,env=N", "--mount=type=secret,id=N",
    "--network=host", "--mount=type=ssh", '--mount="type=bind,source=.,target=/src"', "--security=insecure",
)
HEREDOC_LINES = (
    "echo $N", "set -e", "npm ci", "FROM notaninstruction", "ARG TOKEN", "", "  indented", "# comment",
    "cat /run/secrets/N", "echo \\", "EOFX", "ünïcödé ✓",
)
OTHERS = (
    "COPY . .", "COPY --from=build /a /b", "COPY --chown=1000:1000 src/ /app/", "ADD https://example.com/$N.tgz /x",
    'COPY ["a", "b"]', "ADD --checksum=sha256:abc x /y", 'CMD ["node", "server.js"]', "CMD echo $N",
    'ENTRYPOINT ["/entry.sh"]', "ENTRYPOINT exec ./run $N", "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
    "HEALTHCHECK NONE", 'HEALTHCHECK --interval=5s CMD ["curl", "x"]', "LABEL a=b", 'LABEL "k"="v w" x=y',
    "LABEL token=$N", "WORKDIR /app", "USER node", "EXPOSE 80", "STOPSIGNAL SIGTERM", 'VOLUME ["/data"]',
    'SHELL ["/bin/bash", "-c"]', "ONBUILD RUN echo $N", "ONBUILD ARG N", "ONBUILD COPY . .",
    "ONBUILD RUN --mount=type=cache,target=/c make", "FOO bar", "MAINTAINER me", "CROSS-BUILD x",
    "--flag", "WORKDIR", "COPY <<EOF /etc/conf",
    # BuildKit syntax errors: rare.
    "CMD [1, 2]", 'RUN ["a", 1]', "ENV ONLYNAME", "ENV A=1 B",
)
FROMS = (
    "alpine", "alpine:3.20 AS build", "build", "--platform=$BUILDPLATFORM node:20 AS deps", "${BASE}",
    "scratch", "node:20-bookworm AS Build", "python:3.12-slim as final", "alpine:$VERSION",
)
TRIVIA = (
    "# comment", "#", "# dockerfile-migrate: ignore=DM101", "# dockerfile-migrate: ignore", "# syntax=late",
    "  # indented comment", "# ünïcödé ✓ 日本", "", "   ", "\t",
)
SYNTAX_PINS = (
    "docker/dockerfile:1", "docker/dockerfile:1.4", "docker/dockerfile:1.4.3-labs", "docker/dockerfile:experimental",
    "docker/dockerfile:1.0.0-experimental", "docker/dockerfile@sha256:ac85", "example.com/custom:1",
)
_ERRORS = frozenset(OTHERS[-4:])

_strategies: dict[tuple, st.SearchStrategy] = {}


def pick(draw, options: tuple):
    """draw(sampled_from(options)) with the strategy built once per options tuple."""
    s = _strategies.get(options)
    if s is None:
        s = _strategies[options] = st.sampled_from(options)
    return draw(s)


def _n(draw, template: str) -> str:
    """Fill the `N` placeholders of a template with one drawn name."""
    if "N" not in template or template in ("npm ci",) or template.startswith(("apt", "npm", "pip")):
        return template
    name = pick(draw, NAMES)
    return (template.replace("$N", "$" + name).replace("{N", "{" + name).replace("N=", name + "=")
            .replace("/N", "/" + name).replace("id=N", "id=" + name).replace("ARG N", "ARG " + name)
            .replace("echo N", "echo " + name))


def _kw(draw, keyword: str) -> str:
    style = pick(draw, ("upper", "upper", "upper", "upper", "lower", "indent"))
    if style == "lower":
        return keyword.lower()
    if style == "indent":
        return pick(draw, ("  ", "\t", " ")) + keyword
    return keyword


def _command(draw) -> str:
    return " && ".join(_n(draw, pick(draw, COMMANDS)) for _ in range(pick(draw, (1, 1, 2, 3))))


def _flags(draw) -> str:
    if pick(draw, (0, 0, 0, 1)) == 0:
        return ""
    return _n(draw, pick(draw, RUN_FLAGS)) + " "


# A block is (header, body): `header` is one logical line that may get
# continuations; `body` are heredoc lines, written as they are.


def _heredoc(draw, prefix: str) -> tuple[str, list[str]]:
    count = pick(draw, (1, 1, 1, 2))
    words, body = [], []
    for _ in range(count):
        name = pick(draw, ("EOF", "EOT", "END", "A", "B", "E F"))
        chomp = pick(draw, (False, True))
        quote = pick(draw, ("", "", "'", '"'))
        if " " in name and not quote:
            quote = "'"
        fd = pick(draw, ("", "", "3"))
        words.append(f"{fd}<<{'-' if chomp else ''}{quote}{name}{quote}")
        tab = "\t" if chomp and pick(draw, (False, True)) else ""
        body += [tab + _n(draw, pick(draw, HEREDOC_LINES)) for _ in range(pick(draw, (0, 1, 1, 2, 3)))]
        if pick(draw, (True,) * 30 + (False,)):
            body.append(tab + name)  # else unterminated: a syntax error
    if count == 2:
        return f"{prefix}{words[0]} cat > /a && {words[1]} cat > /b", body
    return prefix + words[0] + pick(draw, ("", " sh", " bash -e", " cat > /out", " python3")), body


def _run(draw):
    kw = _kw(draw, "RUN")
    form = pick(draw, ("shell", "shell", "shell", "exec", "heredoc", "empty"))
    flags = _flags(draw)
    if form == "exec":
        return f'{kw} {flags}{json.dumps(["sh", "-c", _command(draw)], ensure_ascii=pick(draw, (False, True)))}', []
    if form == "heredoc":
        return _heredoc(draw, f"{kw} {flags}")
    if form == "empty":
        return kw, []
    return f"{kw} {flags}{_command(draw)}", []


def _arg(draw):
    pairs = []
    for _ in range(pick(draw, (1, 1, 2, 3))):
        name = pick(draw, NAMES)
        pairs.append(name if pick(draw, (False, True)) else f"{name}={pick(draw, VALUES)}")
    return f"{_kw(draw, 'ARG')} {' '.join(pairs)}", []


def _env(draw):
    kw = _kw(draw, "ENV")
    name = pick(draw, NAMES)
    form = pick(draw, ("pair", "pair", "copy", "legacy", "multi"))
    if form == "copy":
        src = name if pick(draw, (False, True)) else pick(draw, NAMES)
        ref = pick(draw, ("$", "${", '"$'))
        close = {"$": "", "${": "}", '"$': '"'}[ref]
        return f"{kw} {name}={ref}{src}{close}", []
    if form == "legacy":
        return f"{kw} {name} {pick(draw, VALUES) or 'some value'}", []
    if form == "multi":
        other = pick(draw, NAMES)
        return f"{kw} {name}={pick(draw, VALUES)} {other}=${other}", []
    return f"{kw} {name}={pick(draw, VALUES) or chr(34) * 2}", []


def _other(draw):
    text = pick(draw, OTHERS)
    if text in _ERRORS and pick(draw, (True,) * 9 + (False,)):
        text = "WORKDIR /app"  # keep syntax errors rare
    text = _n(draw, text)
    if "<<" in text:
        return text, [_n(draw, "key=$N"), "EOF"]
    word, _, rest = text.partition(" ")
    return _kw(draw, word) + (" " + rest if rest else ""), []


def _from(draw):
    return f"{_kw(draw, 'FROM')} {pick(draw, FROMS)}", []


def _trivia(draw):
    return pick(draw, TRIVIA), []


def _secret_flow(draw) -> list:
    """An ARG/ENV secret and the RUNs that read it: the shapes the rules fix."""
    name = pick(draw, SECRET_NAMES)
    decl = pick(draw, ("arg", "arg", "arg-default", "arg-env", "env", "env-literal"))
    if decl.startswith("arg"):
        default = "=" + pick(draw, VALUES) if decl == "arg-default" else ""
        blocks = [(f"{_kw(draw, 'ARG')} {name}{default}", [])]
        if decl == "arg-env":
            blocks.append((f"{_kw(draw, 'ENV')} {name}=${name}", []))
    elif decl == "env":
        blocks = [(f"{_kw(draw, 'ENV')} {name}=${{{name}}}", [])]
    else:
        blocks = [(f"{_kw(draw, 'ENV')} {name}={pick(draw, VALUES) or 'x'}", [])]
    for _ in range(pick(draw, (1, 2, 2, 3))):
        use = pick(draw, ("ref", "script", "heredoc", "exec", "plain", "other"))
        if use == "ref":
            blocks.append((f"RUN {_flags(draw)}echo ${name} > /tmp/x && make", []))
        elif use == "script":
            blocks.append(("RUN ./use_secret.sh", []))
        elif use == "heredoc":
            blocks.append(("RUN <<EOF", [f"echo ${name}", "EOF"]))
        elif use == "exec":
            blocks.append((f'RUN ["sh", "-c", "echo ${name}"]', []))
        elif use == "plain":
            blocks.append(("RUN apt-get update && apt-get install -y curl", []))
        else:
            blocks.append(pick(draw, (_other, _run, _trivia))(draw))
    return blocks


_KINDS = (_run, _run, _arg, _env, _other, _other, _trivia, _secret_flow)


def _continued(draw, header: str, esc: str) -> list[str]:
    """Split a logical line at spaces into continuation lines, with comment
    and empty lines in between now and then."""
    if pick(draw, (0, 1, 2, 3)) or " " not in header[1:]:
        return [header]
    spaces = tuple(i for i, ch in enumerate(header) if ch == " " and i > 0)
    cuts = sorted({pick(draw, spaces) for _ in range(pick(draw, (1, 1, 2, 3)))})
    lines, prev = [], 0
    for c in cuts:
        keep_space = pick(draw, (True, False))
        lines.append(header[prev:c + (1 if keep_space else 0)] + esc + pick(draw, ("", "", " ", "\t ")))
        for _ in range(pick(draw, (0, 0, 0, 1, 2))):
            lines.append(pick(draw, ("# inside", "  # indented inside", "", "  ")))
        prev = c + 1
    lines.append(pick(draw, ("", "  ", "\t")) + header[prev:])
    return lines


@st.composite
def dockerfiles(draw) -> str:
    """A structured Dockerfile (as text) from the grammar above."""
    head: list[str] = []
    esc = "\\"
    if pick(draw, (False,) * 9 + (True,)):
        head.append("#!/usr/bin/env -S docker build -f")
    for d in pick(draw, ((), (), (), ("syntax",), ("syntax",), ("escape",), ("escape",), ("syntax", "escape"),
                         ("escape", "syntax"), ("check",), ("syntax", "check", "escape"))):
        if d == "syntax":
            head.append("# syntax=" + pick(draw, SYNTAX_PINS))
        elif d == "escape":
            esc = pick(draw, ("`", "`", "\\"))
            head.append(pick(draw, ("# escape=", "#escape = ", "# ESCAPE=")) + esc)
        else:
            head.append("# check=skip=all")
    blocks: list = [pick(draw, (_arg, _trivia))(draw) for _ in range(pick(draw, (0, 0, 1, 2)))]
    for _ in range(pick(draw, (0, 1, 1, 1, 2, 2, 3))):
        blocks.append(_from(draw))
        for _ in range(pick(draw, (0, 1, 2, 3, 4, 5, 6, 7))):
            kind = pick(draw, _KINDS)
            if kind is _secret_flow:
                blocks += _secret_flow(draw)
            else:
                blocks.append(kind(draw))
    lines = list(head)
    for header, body in blocks:
        if esc == "`" and pick(draw, (False, False, False, True)):
            header = header.replace("\\", "`")
        lines += _continued(draw, header, esc)
        lines += body
    ending = pick(draw, ("lf", "lf", "crlf", "mixed"))
    if ending == "mixed":
        text = "".join(ln + pick(draw, ("\n", "\r\n")) for ln in lines)
    else:
        nl = "\n" if ending == "lf" else "\r\n"
        text = "".join(ln + nl for ln in lines)
    end = pick(draw, ("keep",) * 4 + ("strip", "cut"))
    if end == "strip":
        text = text.rstrip("\r\n")
    elif end == "cut" and text.endswith("\n"):
        text = text[:-1]  # may leave a lone "\r"
    if pick(draw, (False,) * 6 + (True,)):
        text = "\ufeff" + text
    return text


FRAGMENTS = (
    "FROM alpine\n", "FROM a AS b\n", "RUN ", "ARG ", "ENV ", "COPY ", "ONBUILD ", "CMD ", "LABEL ", "HEALTHCHECK ",
    "NPM_TOKEN", "THEPASSWORD", "VERSION", "=", "$", "${", "}", "\\", "\\\n", "`", "`\n", "\n", "\n", "\r\n", "\r",
    " ", " ", "\t", "#", "# escape=`\n", "# escape=\\\n", "# syntax=docker/dockerfile:1\n", "#!/bin/sh\n", "<<",
    "<<-", "EOF", "'", '"', "[", "]", ", ", "--mount=type=secret,id=x ", "--", "-", "\ufeff", "é", "✓", "\v", "\f",
    "\xa0", "\u2028", "\x85", "echo", "1", "sh -c", "&&", ";", "\x00",
)


def token_soup():
    """Dockerfile fragments and random characters glued together."""
    return st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=40).map("".join)
