"""The shortcuts of the DM201/DM202 analyses answer what the full work answers."""

from __future__ import annotations

import itertools
import posixpath
import random

from migrate.analysis import credential_copies, stagefs, token_writes
from migrate.analysis.credential_files import _EXACT, _GENERIC, _IN_DIR, destination_may_be_credential, kind_of_name
from migrate.analysis.shell_script import split_script
from migrate.analysis.ssh import run_views
from migrate.analysis.stagefs import FsState, copy_target, parse_copy, shell_path, stage_states
from migrate.settings import DEFAULT_SETTINGS
from migrate.syntax import DockerfileSyntaxError, parse

from corpus import corpus_files, read_text
from golden import cases

TEXTS = [c.input for c in cases()] + [read_text(p) for f in ("clean", "unsafe", "migrated") for p in corpus_files(f)]
MULTI_STAGE = """\
FROM alpine AS 1
ENV HOME=/home/a
WORKDIR /a
FROM alpine AS base
USER app
ENV A=1
FROM 1
RUN echo one
FROM base AS base
WORKDIR /b
FROM BASE
RUN echo two
FROM 2
RUN echo three
FROM 0 AS x
ARG B
WORKDIR $B
FROM x
RUN echo four
"""


def _parsed(texts):
    for text in texts:
        try:
            yield parse(text)
        except (DockerfileSyntaxError, RecursionError):
            continue


def _plain_stage_states(df):
    """stage_states as it was: each stage looks for its parent among the earlier stages."""
    states, finals = {}, {}
    for stage in df.stages:
        base = stage.base.lower()
        parent = next((s for s in df.stages[: stage.index] if s.name == base or str(s.index) == base), None)
        state = finals[parent.index].copy() if parent is not None else FsState()
        for instr in stage.instructions[1:]:
            states[id(instr)] = state.copy()
            cmd = instr.cmd
            if cmd == "WORKDIR":
                text = stagefs.unquote_shell_word(instr.args.strip())[0]
                expanded = stagefs.expand(text, state.env)
                state.workdir = None if expanded is None else stagefs.join(state.workdir, expanded)
            elif cmd == "USER":
                expanded = stagefs.expand(instr.args.strip(), state.env)
                state.user = expanded.split(":", 1)[0] if expanded else None
            elif cmd == "ENV":
                for name, value, _ in stagefs.name_value_pairs(instr, df.escape):
                    state.env[name] = stagefs.expand(stagefs.unquote_shell_word(value or "")[0], state.env)
            elif cmd == "ARG":
                for name, _, _ in stagefs.name_value_pairs(instr, df.escape):
                    state.env.setdefault(name, None)
        finals[stage.index] = state
    return states


def test_stage_states_find_the_parent_stage_as_the_scan_did():
    assert len(TEXTS) > 50
    dfs = list(_parsed(TEXTS + [MULTI_STAGE]))
    for df in dfs:
        assert [s.index for s in df.stages] == list(range(len(df.stages)))
        fast, plain = stage_states.__wrapped__(df), _plain_stage_states(df)
        assert fast.keys() == plain.keys()
        for k in fast:
            assert (fast[k].workdir, fast[k].user, fast[k].env) == (plain[k].workdir, plain[k].user, plain[k].env)
    df = parse(MULTI_STAGE)
    runs = {i.args.strip(): stage_states(df)[id(i)] for i in df.instructions if i.cmd == "RUN"}
    assert runs["echo one"].workdir == "/a" and runs["echo one"].home == "/home/a"  # `FROM 1`: the stage named 1
    assert runs["echo two"].user == "app" and runs["echo two"].workdir == "/"  # the first stage named base
    assert runs["echo three"].workdir == "/a"  # `FROM 2`: the third stage (built FROM the one named 1)
    assert runs["echo four"].workdir is None


# --------------------------------------------------------------------------- names

NAMES = sorted({*(_EXACT), *(n for _, n in _IN_DIR), *(_GENERIC), "config", "credentials", "id.key", "tls.pem",
                "server-key.pem", "store.p12", "sa-key.json", "service-account.json", ".env.prod", "x.kubeconfig",
                "app.py", "package.json", "requirements.txt", ".npmrc-ci", "ci.npmrc", "README", "id_rsa",
                "known_hosts", "ca.pem", "key.pub", "Settings.XML", "NPMRC", "a.b", "~", ".", "..", ""})
PARENTS = ["", "/", "/root", "/app/", ".docker", "/root/.docker", ".aws", "/x/.aws", ".gem", ".kube", ".m2",
           ".composer", "composer", ".ssh", "/root/.ssh", "~", "a/b"]


def test_destination_names_judge_every_parent():
    for name, parent in itertools.product(NAMES, PARENTS):
        path = posixpath.join(parent, name) if parent else name
        if kind_of_name(path, is_source=False, tools=frozenset({"mvn", "maven", "composer"})) is not None:
            assert destination_may_be_credential(posixpath.basename(path.rstrip("/")) or name), path


def _states(rnd: random.Random):
    for workdir in ("/", "/app", "/root/.aws", "/root/.docker", "/home/u/.kube", "/srv/.npmrc", None):
        for user in ("root", "app", None):
            env = rnd.choice([{}, {"HOME": "/home/u"}, {"D": "/root/.npmrc", "E": None}, {"HOME": None}])
            yield FsState(workdir, user, dict(env))


WORDS = ["credentials", ".npmrc", "/root/.npmrc", "~/.npmrc", "~", "~/", ".", "..", "x/..", "/", "config.json",
         "$D", "${D}", "$E", "out.txt", "/etc/apt/sources.list", "app.py", "dir/", "a b", "~/.docker/config.json",
         "'.netrc'", '"$HOME/.pypirc"', "\\.npmrc", "f*", "`x`", "settings.xml", "auth.json", "/tmp/a/config",
         ".env", ".env.local", "id_rsa", "key.pem", "~user/.npmrc", "/srv/.npmrc/x/..", "/root/.aws/credentials/."]


def test_copy_destination_shortcut_keeps_every_credential_destination():
    rnd = random.Random(11)
    states = list(_states(rnd))
    tools = frozenset({"mvn", "composer"})
    for src, dest in itertools.product(["app.py", "a/b.txt", "ci-config", "x/", "/", ".", "f"], WORDS):
        df = parse(f"FROM a\nCOPY {src} {dest}\n")
        spec = parse_copy(df.instructions[1])
        if spec is None or len(spec.sources) != 1 or spec.dest_is_dir:
            continue
        name = posixpath.basename(spec.sources[0][0].rstrip("/"))
        if credential_copies._destination_may_decide(spec.dest, name):
            continue
        for state in states:
            target = copy_target(spec, spec.sources[0][0], state)
            if credential_copies._BLANK_OR_VAR.search(spec.dest):
                continue  # the destination is not asked then
            assert kind_of_name(target or spec.dest, is_source=False, tools=tools) is None, (src, dest, state)


def test_written_file_shortcut_keeps_every_credential_file():
    rnd = random.Random(5)
    states = list(_states(rnd))
    for raw in WORDS:
        script = split_script(f"echo x > {raw}")
        (cmd,) = script.items[0].commands
        if not cmd.redirects or cmd.redirects[0].target is None:
            continue
        word = cmd.redirects[0].target
        if token_writes._may_name_credential_file(word.text):
            continue
        for state in states:
            path = shell_path(word.raw, state)
            assert kind_of_name(path or word.text.rstrip("/"), is_source=False) is None, (raw, state)


# --------------------------------------------------------------------------- RUNs and commands

EXTRA_RUNS = """\
FROM a
RUN g"i"t config --global url."https://${T}@github.com/".insteadOf https://github.com/
RUN \\
  echo "//r/:_authToken=$T" \\
  > ~/.npmrc
RUN ["sh", "-c", "echo $T > /root/.netrc"]
RUN ["/usr/bin/git", "config", "--global", "http.extraheader", "Authorization: $T"]
RUN <<EOF
cat > /root/.pypirc <<X
password = $T
X
EOF
RUN sudo -u x tee ~/.git-credentials <<< "https://u:$T@h"
RUN echo hi | t\\ee -a .env
RUN git config user.email a@b && echo ok > out.txt
RUN ech'o' $T >$F
RUN cat < ~/.netrc
RUN npm c set //r/:_authToken $T && yarn config set npmAuthToken $T && pnpm config set //r/:_password $T
RUN pip3 config set global.index-url https://u:$T@h/simple
RUN poetry config http-basic.x u $T; composer config github-oauth.github.com $T; bundle config h.com u:$T
RUN aws configure set aws_secret_access_key $K
RUN docker login -p $P r && hf login --token $T && huggingface-cli login --token $T && wandb login $K
RUN ngrok config add-authtoken $T
RUN sed --in-place "s/x/$TOKEN/" f
RUN dotnet nuget add source u --password $P && nuget sources add -Password $P
RUN GIT_X=1 git -c a=b config --global credential.https://h.password $T
RUN GIT config --global URL.x.INSTEADOF y
"""


def test_run_prefilter_knows_every_detected_program():
    listed = {prog for prog, _ in token_writes._PROGRAM_NEEDS} | {"git"} | token_writes._WRITERS
    assert listed | {"pip3"} == token_writes._DETECTED  # pip3 holds pip


def _plain_may_run_detected(instr) -> bool:
    """_may_run_detected from the table of programs and the words they need."""
    text = " ".join(instr.json_args or []) if instr.json else "\n".join([instr.logical] + [h.content for h in instr.heredocs])
    bare = text.replace("\\", "").replace("'", "").replace('"', "")
    if any(prog in bare and all(w in bare for w in needs) for prog, needs in token_writes._PROGRAM_NEEDS):
        return True
    if "git" in bare and "config" in bare and any(w in bare.lower() for w in ("insteadof", "extraheader", "password")):
        return True
    return ("<" in text or ">" in text) and any(p in bare for p in token_writes._WRITERS)


def test_run_prefilter_groups_the_table_exactly():
    rnd = random.Random(9)
    words = [p for p, _ in token_writes._PROGRAM_NEEDS] + [w for _, ns in token_writes._PROGRAM_NEEDS for w in ns] + \
        ["git", "config", "InsteadOf", "extraHeader", "PASSWORD", "echo", "cat", "printf", ">", "<", "x", "'", '"']
    runs = [i for df in _parsed(TEXTS + [EXTRA_RUNS]) for i in df.instructions if i.cmd == "RUN"]
    for _ in range(3000):
        runs.append(parse("FROM a\nRUN " + " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 5))) + "\n").instructions[1])
    for instr in runs:
        assert token_writes._may_run_detected(instr) == _plain_may_run_detected(instr), instr.logical


def test_run_prefilter_passes_every_run_a_command_of_which_may_write():
    seen = 0
    for df in _parsed(TEXTS + [EXTRA_RUNS]):
        for instr in df.instructions:
            if instr.cmd != "RUN" or token_writes._may_run_detected(instr):
                continue
            for view in run_views(instr):
                for item in view.script.items:
                    for cmd in item.commands:
                        seen += 1
                        assert not token_writes._may_detect(cmd, cmd.argv), (instr.logical, cmd)
    assert seen > 100


def test_command_gate_passes_every_command_detect_reports():
    """_may_detect False: _detect finds nothing, whatever the state (judged with several)."""
    rnd = random.Random(3)
    states = list(_states(rnd))
    ctx = token_writes._Ctx(None, DEFAULT_SETTINGS)
    checked = 0
    for df in _parsed(TEXTS + [EXTRA_RUNS]):
        for stage in df.stages:
            for instr in stage.instructions[1:]:
                if instr.cmd != "RUN":
                    continue
                for view in run_views(instr):
                    for item in view.script.items:
                        for cmd in item.commands:
                            argv = cmd.argv
                            if not argv or token_writes._may_detect(cmd, argv):
                                continue
                            checked += 1
                            for state in states[:: 1 if checked % 7 == 0 else 6]:
                                assert token_writes._detect(ctx, instr, stage, state, cmd, argv) is None, cmd
    assert checked > 100
    found = [tw.instr.start_line for tw in token_writes.analyse_token_writes(parse(EXTRA_RUNS), DEFAULT_SETTINGS)]
    assert found[:3] == [2, 3, 7]  # a quoted program name, a continued line, the exec form
    assert len(found) >= 18, found


def test_a_key_dm301_reports_is_not_dm201s():
    text = "FROM a\nCOPY server.key /root/server.key\nCOPY .npmrc /root/.npmrc\nRUN npm ci\n" \
           "RUN ssh -i /root/server.key git@h.example.com true\n"
    found = credential_copies.analyse_copies(parse(text), DEFAULT_SETTINGS)
    assert [c.source for c in found.copies] == [".npmrc"]
    plain = parse(text.replace("ssh -i", "echo -i"))
    assert sorted(c.source for c in credential_copies.analyse_copies(plain, DEFAULT_SETTINGS).copies) == \
        [".npmrc", "server.key"]


def test_source_facts_are_what_the_plain_checks_find():
    tools = frozenset({"mvn", "maven", "composer"})
    sources = [*NAMES, *WORDS, "https://h/x.npmrc", "git@h:x", "*.npmrc", "a?b", "[ab]", "ci/.npmrc", ".npmrc-ci",
               "npmrc.example", "secrets/", "Creds", "secrets.json", ".aws/credentials", "conf/settings.xml", "x.pub"]
    for src in sources:
        facts = credential_copies._source_name(src)
        if facts is None:
            name = posixpath.basename(src.rstrip("/"))
            assert credential_copies._is_remote(src) or not src or any(c in src for c in "*?[") or \
                credential_copies._TEMPLATE_OR_PUBLIC.search(name), src
            continue
        name, may_have_kind, cred_dir = facts
        assert name == posixpath.basename(src.rstrip("/")) and cred_dir == (name.lower() in credential_copies.CREDENTIAL_DIRS)
        if not may_have_kind:
            assert kind_of_name(src, is_source=True, tools=tools) is None, src
