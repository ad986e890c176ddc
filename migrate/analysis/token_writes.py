"""Tokens a RUN writes into a file (DM202): the file, and the token with it,
stays in the layer even when the token itself came from a secret mount.

Recognized writes (the token is a `$VAR`/`$(...)` reference or a literal):
`git config [--global|--system] url."https://TOKEN@host/".insteadOf` (and
`http.extraheader`), `npm|yarn config set …_authToken`, `echo|printf|cat
<<EOF` redirected into a credential file (`.npmrc`, `.netrc`, `.pypirc`,
`pip.conf`, `.git-credentials`, `.docker/config.json`, `.aws/credentials`...),
`pip config set … index-url https://user:TOKEN@…`, `poetry config
http-basic.*|pypi-token.*`, `composer config http-basic.*|github-oauth.*|…`,
`aws configure set aws_secret_access_key|aws_session_token`, `docker login
-p|--password|--password-stdin`, `bundle config HOST user:TOKEN`, `nuget|dotnet
nuget add source --password`, `huggingface-cli login --token`, `wandb login`,
`ngrok config add-authtoken`, and `sed -i` substituting a secret-named
variable into a file.

A write followed in the same RUN by its cleanup (`rm` of the file or a parent
directory, `git config --remove-section`, `npm config delete`, `docker
logout`...) or done under a tmpfs mount leaves nothing behind and is not
reported. A fix is offered only where it is provably behaviour preserving:
the write is a plain top-level command of a shell-form RUN (no `cd`, no
`exit`), no later RUN of the stage (or of the stages built FROM it) could read
the file, no `COPY --from` copies it, and the running container cannot need
it; the fix then appends the cleanup to the same RUN. When later RUNs of the
stage read the file, the write is repeated at their start and each ends with
the cleanup (same WORKDIR/USER/HOME, nothing in between redefining what the
write uses), so the file exists exactly while a reader runs.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field

from ..edits import mounts, remove_instruction
from ..fix import Edit
from ..hintwords import TOKEN_WRITE_WORDS, AnyOf
from ..secrets import classify_name, find_credential_literals
from ..settings import Settings
from ..syntax import Dockerfile, Instruction, Stage
from .credential_files import destination_may_be_credential, kind_of_name
from .file_readers import file_life
from .final_image import carried_copies, final_chain
from .shell_script import WRAPPERS, Command, Item, Script
from .ssh import _item_spans, merge_edits, run_views
from .stagefs import FsState, is_final_lineage, shell_path, stage_states

_HINT = re.compile(
    r"(?i)insteadof|extraheader|_auth|authtoken|npmauth|password|passwd|token|secret|credential|netrc|npmrc|"
    r"pypirc|pip\.(?:conf|ini)|auth\.json|yarnrc|nuget|http-basic|-oauth|gitlab-|bearer|aws_se|login|"
    r"://[^/\s\"']*@|bundle\W+config[^\n]*:|sed\b[^\n]*\$|\.env|kube|\.docker|settings"
)
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*)|\()")
_USERINFO = re.compile(r"://([^/\s@\"']+)@")
_PLACEHOLDER = re.compile(r"(?i)^(?:|x+|\*+|<[^>]*>|changeme|placeholder|redacted|token|password|user(?:name)?|git|"
                          r"x-oauth-basic|x-access-token|oauth2)$")


# _HINT, split for speed: its literal alternatives as substrings of the lower-cased text,
# the rest as patterns tried only when their leading word occurs (ASCII texts; others take _HINT).
_HINT_WORDS = TOKEN_WRITE_WORDS
_ANY_HINT_WORD = AnyOf(_HINT_WORDS)
_HINT_URL = re.compile(r"://[^/\s\"']*@")
_HINT_BUNDLE = re.compile(r"bundle\W+config[^\n]*:")
_HINT_SED = re.compile(r"sed\b[^\n]*\$")
_RUN_LINE = re.compile(r"(?im)^[^\S\n]*(?:onbuild[^\S\n]+)?run\b")


def _hint(text: str) -> bool:
    """``_HINT.search(text)``, faster: its words by AnyOf.holds, its patterns after their words."""
    if not text.isascii():
        return _HINT.search(text) is not None
    has_word, low = _ANY_HINT_WORD.holds(text)
    return (has_word
            or ("://" in low and _HINT_URL.search(low) is not None)
            or ("bundle" in low and _HINT_BUNDLE.search(low) is not None)
            or ("sed" in low and "$" in low and _HINT_SED.search(low) is not None))


def may_write_token(text: str, settings: Settings) -> bool:
    """Superset of what DM202 reports (see prefilter.py)."""
    return _RUN_LINE.search(text) is not None and _hint(text)


@dataclass
class TokenWrite:
    instr: Instruction
    stage: Stage
    tool: str  # e.g. "git config --global url…insteadOf", "echo > ~/.npmrc"
    path: str | None  # absolute file it writes (None: unknown)
    shown_path: str  # for messages, e.g. "~/.gitconfig"
    subject: str  # stable, secret-free
    variables: tuple[str, ...] = ()  # variables holding the token
    literal: bool = False  # a literal credential is written
    suggestion: str = ""
    where: str = ""
    in_final: bool = False
    cleanup: str | None = None  # command that removes it again (same-RUN fix)
    edits: list[Edit] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    append: bool = False  # `>>`: the file may hold other settings
    moved_to: list[int] = field(default_factory=list)  # reader RUN lines the write moved into
    key_text: str = ""  # the config key / URL it sets: matched against cleanups, never shown

    @property
    def fixable(self) -> bool:
        return bool(self.edits) and not self.blockers


def _secret_value(text: str) -> tuple[tuple[str, ...], bool] | None:
    """(variables, literal) when ``text`` carries a token, else None."""
    names = tuple(dict.fromkeys(a or b or "$(...)" for a, b in _VAR.findall(text)))
    if names:
        return names, False
    value = text.strip().strip("\"'")
    if _PLACEHOLDER.match(value) or len(value) < 6:
        return None
    return (), True


def _url_secret(text: str) -> tuple[tuple[str, ...], bool] | None:
    m = _USERINFO.search(text)
    if not m:
        return None
    info = m.group(1)
    if "$" in info:
        return _secret_value(info)
    user, _, password = info.partition(":")
    secret = password or user
    if secret.lower() in ("x-oauth-basic", "x-access-token", "oauth2", "gitlab-ci-token"):
        return None
    return _secret_value(secret) if secret else None


def _mask_url(text: str) -> str:
    """The URL text with a literal userinfo replaced by `<token>` (variable references kept)."""
    def sub(m: re.Match) -> str:
        info = m.group(1)
        return m.group(0) if "$" in info else "://<token>@"
    return _USERINFO.sub(sub, text)


# The programs `_detect` recognises (by the name it is run as): any other command writes nothing we report.
_DETECTED = frozenset({"git", "npm", "yarn", "pnpm", "pip", "pip3", "poetry", "composer", "aws", "docker", "bundle",
                       "nuget", "dotnet", "huggingface-cli", "hf", "wandb", "ngrok", "sed", "echo", "printf", "cat",
                       "tee"})
_DETECTED_OR_WRAPPER = _DETECTED | WRAPPERS  # `sudo git config …`: the program comes after the wrapper


def _may_detect(cmd: Command, words) -> bool:
    """False when `_detect` certainly finds nothing: the program is none it knows, or the words it
    starts from (e.g. `config set`, `login`) are not there."""
    if not words:
        return False
    prog = words[0].text.rsplit("/", 1)[-1]
    if prog not in _DETECTED:
        return False
    if prog in _WRITERS:
        return any(r.target is not None and _may_name_credential_file(r.target.text) for r in cmd.redirects)
    args = [w.text for w in words[1:]]
    if prog == "git":
        # _git reports only keys `url.*insteadof`, `http.*extraheader`, `credential.*password` (an argument).
        return "config" in args and any("insteadof" in low or "extraheader" in low or "password" in low
                                        for low in map(str.lower, args))
    if prog == "tee":
        return any(_may_name_credential_file(w.text) for w in words[1:]) or any(
            r.target is not None and _may_name_credential_file(r.target.text) for r in cmd.redirects)
    if prog in ("npm", "yarn", "pnpm"):
        return len(args) >= 2 and args[0] in ("config", "c") and args[1] == "set"
    if prog in ("pip", "pip3"):
        return len(args) >= 3 and args[0] == "config" and args[1] == "set"
    if prog in ("poetry", "composer", "bundle"):
        return args[:1] == ["config"]
    if prog == "aws":
        return args[:1] == ["configure"]
    if prog in ("docker", "huggingface-cli", "hf", "wandb"):
        return args[:1] == ["login"]
    if prog == "ngrok":
        return args[:2] == ["config", "add-authtoken"]
    if prog == "sed":
        return any(a.startswith("-i") or a == "--in-place" for a in args)
    return True  # nuget, dotnet


def _may_name_credential_file(text: str) -> bool:
    """False when _redirect_write's kind_of_name(shell_path(word) or its text) is None for a word with
    this text, whatever the state: without a `$`, the path shell_path makes of it ends in its last
    component (`~/` becomes the home directory, normpath keeps a last component other than
    `.`/`..`), and destination_may_be_credential judges that name."""
    if "$" in text:
        return True
    last = text.rstrip("/").rsplit("/", 1)[-1]
    return last in ("", ".", "..", "~") or destination_may_be_credential(last)


def _may_run_detected(instr: Instruction) -> bool:
    """False when no command of the RUN's scripts (run_views) passes `_may_detect`, judged on its
    text without splitting it. A word's text is its raw text less some of its quotes and backslashes,
    so a word text holding none (a program name, `config`, `login`...) is in the RUN's text once they
    are all dropped; a redirect's operator holds `<` or `>`. The scripts are the RUN's arguments and
    heredocs, or for the exec form its arguments (quoted with `'` when joined)."""
    if instr.json:
        text = " ".join(instr.json_args or [])
    elif instr.heredocs:
        text = "\n".join([instr.logical, *(h.content for h in instr.heredocs)])
    else:
        text = instr.logical  # holds the arguments
    bare = text
    for c in "\\'\"":
        if c in bare:
            bare = bare.replace(c, "")
    # _PROGRAM_NEEDS, grouped by the word most of them need (fewer scans of a RUN that has none).
    if "tee" in bare or "nuget" in bare or "dotnet" in bare:
        return True
    if "config" in bare:
        if ("pip" in bare and "set" in bare) or "poetry" in bare or "composer" in bare or "bundle" in bare or \
                ("aws" in bare and "configure" in bare) or ("ngrok" in bare and "add-authtoken" in bare):
            return True
        if "git" in bare:
            low = bare.lower()
            if "insteadof" in low or "extraheader" in low or "password" in low:
                return True
    if "set" in bare and ("npm" in bare or "yarn" in bare):  # pnpm holds npm
        return True
    if "login" in bare and ("docker" in bare or "hf" in bare or "huggingface-cli" in bare or "wandb" in bare):
        return True
    if "-i" in bare and "sed" in bare:
        return True
    if "<" in text or ">" in text:
        for prog in _WRITERS:
            if prog in bare:
                return True
    return False


# The programs of _may_detect but git and the writers, with the argument words it needs of each
# (what _may_run_detected looks for; tests/test_fast_paths_credential_copies.py holds the two equal).
_PROGRAM_NEEDS = (
    ("tee", ()), ("nuget", ()), ("dotnet", ()), ("npm", ("set",)), ("yarn", ("set",)), ("pnpm", ("set",)),
    ("pip", ("config", "set")), ("poetry", ("config",)), ("composer", ("config",)), ("bundle", ("config",)),
    ("aws", ("configure",)), ("docker", ("login",)), ("huggingface-cli", ("login",)), ("hf", ("login",)),
    ("wandb", ("login",)), ("ngrok", ("config", "add-authtoken")), ("sed", ("-i",)),
)


class _Ctx:
    def __init__(self, df: Dockerfile, settings: Settings):
        self.df = df
        self.settings = settings

    @functools.cached_property
    def states(self) -> dict[int, FsState]:
        return stage_states(self.df)  # only when a command may write a token


def analyse_token_writes(df: Dockerfile, settings: Settings) -> list[TokenWrite]:
    ctx = _Ctx(df, settings)
    out: list[TokenWrite] = []
    for stage in df.stages:
        for instr in stage.instructions[1:]:
            if instr.cmd != "RUN" or not _may_run_detected(instr):
                continue
            state = None
            for vi, view in enumerate(run_views(instr)):
                script = view.script
                items = script.items
                for ii, item in enumerate(items):
                    for cmd in item.commands:
                        words = cmd.words
                        if not words or words[0].text.rsplit("/", 1)[-1] not in _DETECTED_OR_WRAPPER:
                            continue  # its argv starts with that word: nothing to detect
                        argv = cmd.argv
                        if not _may_detect(cmd, argv):
                            continue  # no state needed
                        if state is None:
                            state = ctx.states.get(id(instr), FsState())
                        tw = _detect(ctx, instr, stage, state, cmd, argv)
                        if tw is None:
                            continue
                        if _cleaned_up(tw, items[ii + 1:], state) or _under_tmpfs(instr, tw.path):
                            continue
                        tw.in_final = is_final_lineage(df, stage)
                        tw.where = ("it is in the final image" if tw.in_final else
                                    f"only the builder stage {_stage_label(stage)} and the build cache hold it, "
                                    f"not the final image")
                        if vi == 0 and view.editable:
                            _plan_fix(ctx, tw, script, item, state)
                        else:
                            tw.blockers.append("the write is in a heredoc or exec-form script")
                        out.append(tw)
    return out


def _stage_label(stage: Stage) -> str:
    return f"`{stage.name}`" if stage.name else str(stage.index)


def _home(state: FsState) -> str:
    return state.home or "/root"


def _pretty(path: str | None, state: FsState) -> str:
    if path is None:
        return "a file"
    home = _home(state)
    return "~" + path[len(home):] if path.startswith(home + "/") else path


def _mk(instr, stage, state, tool, path, subject, secret, suggestion) -> TokenWrite:
    names, literal = secret
    return TokenWrite(instr, stage, tool, path, _pretty(path, state), subject, names, literal, suggestion)


def _detect(ctx: _Ctx, instr: Instruction, stage: Stage, state: FsState, cmd: Command, words) -> TokenWrite | None:
    argv = [w.text for w in words]
    raws = [w.raw for w in words]
    if not argv:
        return None
    prog = argv[0].rsplit("/", 1)[-1]
    home = _home(state)
    args = argv[1:]
    if prog == "git":
        return _git(instr, stage, state, argv, raws)
    if prog in ("npm", "yarn", "pnpm") and len(args) >= 2 and args[0] in ("config", "c") and args[1] == "set":
        rest = [a for a in args[2:] if not a.startswith("-")]
        if not rest:
            return None
        key, _, value = rest[0].partition("=")
        if not value and len(rest) > 1:
            value = rest[1]
        if not re.search(r"(?i)_authtoken|_auth\b|_auth$|_password|npmauthtoken|npmauthident|npmpassword", key):
            return None
        secret = _secret_value(value)
        if secret is None:
            return None
        if prog == "yarn" and key.startswith("npm"):
            path = posixpath.join(home, ".yarnrc.yml")
        elif any("project" in a for a in args):
            path = shell_path(".npmrc", state)
        elif any(a in ("-g", "--global", "--location=global") for a in args):
            path = "/usr/local/etc/npmrc"
        else:
            path = posixpath.join(home, ".npmrc")
        tw = _mk(instr, stage, state, f"{prog} config set {key.split(':')[-1]}", path, f"{prog}-config:{key}",
                 secret, "")
        tw.suggestion = _npm_suggestion(tw)
        flags = " ".join(a for a in args[2:] if a.startswith("-"))
        if prog == "npm" and "$" not in key and "'" not in key:
            tw.cleanup = f"npm config delete {_quote_key(key)}" + (f" {flags}" if flags else "")
        tw.key_text = key
        return tw
    if prog in ("pip", "pip3") and len(args) >= 3 and args[0] == "config" and args[1] == "set":
        secret = _url_secret(" ".join(args[3:]))
        if secret is None:
            return None
        if "--global" in args:
            path = "/etc/pip.conf"
        elif "--site" in args:
            path = None
        else:
            path = posixpath.join(home, ".config/pip/pip.conf")
        return _mk(instr, stage, state, "pip config set", path, f"pip-config:{args[2]}", secret,
                   "give pip the index URL for the one RUN that installs: "
                   "`RUN --mount=type=secret,id=PIP_INDEX_URL,env=PIP_INDEX_URL,required pip install …` "
                   "(build with `--secret id=PIP_INDEX_URL,env=PIP_INDEX_URL`)")
    if prog == "poetry" and len(args) >= 3 and args[0] == "config" and re.match(r"(?i)(http-basic|pypi-token)\.", args[1]):
        secret = _secret_value(args[-1])
        if secret is None or "--unset" in args:
            return None
        repo = args[1].split(".", 1)[1].upper().replace("-", "_")
        env = (f"POETRY_HTTP_BASIC_{repo}_PASSWORD" if args[1].lower().startswith("http") else f"POETRY_PYPI_TOKEN_{repo}")
        return _mk(instr, stage, state, f"poetry config {args[1].split('.')[0]}",
                   posixpath.join(home, ".config/pypoetry/auth.toml"), f"poetry-config:{args[1]}", secret,
                   f"poetry reads `{env}` from the environment: give the RUN that installs "
                   f"`--mount=type=secret,id={env},env={env},required` instead of storing it")
    if prog == "composer" and args and args[0] == "config":
        keys = [a for a in args[1:] if not a.startswith("-")]
        if not keys or not re.match(r"(?i)(http-basic|github-oauth|gitlab-token|gitlab-oauth|bearer|bitbucket-oauth)\.", keys[0]):
            return None
        secret = _secret_value(keys[-1]) if len(keys) > 1 else None
        if secret is None or "--unset" in args:
            return None
        glob = any(a in ("-g", "--global") for a in args)
        path = posixpath.join(state.env.get("COMPOSER_HOME") or posixpath.join(home, ".composer"), "auth.json") \
            if glob else shell_path("auth.json", state)
        return _mk(instr, stage, state, f"composer config {keys[0].split('.')[0]}", path,
                   f"composer-config:{keys[0]}", secret,
                   "composer reads `COMPOSER_AUTH` (the auth.json content) from the environment: give the RUN "
                   "that installs `--mount=type=secret,id=COMPOSER_AUTH,env=COMPOSER_AUTH,required` instead")
    if prog == "aws" and len(args) >= 4 and args[0] == "configure" and args[1] == "set" and \
            args[2].split(".")[-1] in ("aws_secret_access_key", "aws_session_token"):
        secret = _secret_value(args[3])
        if secret is None:
            return None
        path = state.env.get("AWS_SHARED_CREDENTIALS_FILE") or posixpath.join(home, ".aws/credentials")
        tw = _mk(instr, stage, state, f"aws configure set {args[2]}", path, f"aws-configure:{args[2]}", secret,
                 "mount the credentials file for the RUNs that call aws "
                 "(`--mount=type=secret,id=aws,target=/root/.aws/credentials,required`, build with "
                 "`--secret id=aws,src=$HOME/.aws/credentials`) or pass AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY as "
                 "env secret mounts")
        return tw
    if prog == "docker" and args and args[0] == "login":
        pw = None
        for i, a in enumerate(args):
            if a in ("-p", "--password") and i + 1 < len(args):
                pw = args[i + 1]
            elif a.startswith("--password="):
                pw = a.split("=", 1)[1]
            elif a == "--password-stdin":
                pw = "$(stdin)"
        secret = _secret_value(pw) if pw is not None else None
        if secret is None:
            return None
        tw = _mk(instr, stage, state, "docker login", posixpath.join(home, ".docker/config.json"),
                 "docker-login", secret,
                 "log in, use the registry and `docker logout` in the same RUN, or mount a ready "
                 "config.json as a secret (`--mount=type=secret,id=docker_config,target=/root/.docker/config.json,required`)")
        registry = ""
        skip = False
        for a in args[1:]:
            if skip:
                skip = False
                continue
            if a in ("-p", "--password", "-u", "--username"):
                skip = True
            elif not a.startswith("-"):
                registry = a
        if "$" not in registry and re.fullmatch(r"[A-Za-z0-9_.:/-]*", registry):
            tw.cleanup = f"docker logout {registry}".rstrip()
        return tw
    if prog == "bundle" and args and args[0] == "config":
        rest = [a for a in args[1:] if not a.startswith("-") and a != "set"]
        if len(rest) != 2 or ":" not in rest[1] or "." not in rest[0] and "__" not in rest[0]:
            return None
        secret = _secret_value(rest[1].split(":", 1)[1])
        if secret is None:
            return None
        local = "--local" in args
        path = shell_path(".bundle/config", state) if local else posixpath.join(home, ".bundle/config")
        env = "BUNDLE_" + re.sub(r"[^A-Za-z0-9]", "__", rest[0]).upper().replace("____", "__")
        return _mk(instr, stage, state, "bundle config", path, f"bundle-config:{rest[0]}", secret,
                   f"bundler reads `{env}` (user:password) from the environment: give the RUN that installs "
                   f"`--mount=type=secret,id={env},env={env},required` instead")
    if (prog == "nuget" or (prog == "dotnet" and args[:1] == ["nuget"])) and "--password" in args + ["-password"] or \
            (prog == "nuget" and "-Password" in args):
        for i, a in enumerate(args):
            if a.lower() in ("--password", "-password", "-p") and i + 1 < len(args):
                secret = _secret_value(args[i + 1])
                if secret is None:
                    return None
                return _mk(instr, stage, state, f"{prog} nuget add source --password" if prog == "dotnet" else "nuget sources add",
                           posixpath.join(home, ".nuget/NuGet/NuGet.Config"), "nuget-source", secret,
                           "mount a NuGet.Config holding the feed credentials as a secret for the RUN that restores "
                           "(`--mount=type=secret,id=nuget_config,target=/root/.nuget/NuGet/NuGet.Config,required`)")
        return None
    if prog in ("huggingface-cli", "hf") and args[:1] == ["login"]:
        tok = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--token"), None)
        secret = _secret_value(tok) if tok else None
        if secret is None:
            return None
        return _mk(instr, stage, state, f"{prog} login --token", posixpath.join(home, ".cache/huggingface/token"),
                   "huggingface-login", secret,
                   "the Hugging Face tools read `HF_TOKEN` from the environment: give the RUN that downloads "
                   "`--mount=type=secret,id=HF_TOKEN,env=HF_TOKEN,required` instead of logging in")
    if prog == "wandb" and args[:1] == ["login"] and len(args) >= 2:
        secret = _secret_value([a for a in args[1:] if not a.startswith("-")][-1]) if [a for a in args[1:] if not a.startswith("-")] else None
        if secret is None:
            return None
        return _mk(instr, stage, state, "wandb login", posixpath.join(home, ".netrc"), "wandb-login", secret,
                   "wandb reads `WANDB_API_KEY` from the environment: use "
                   "`--mount=type=secret,id=WANDB_API_KEY,env=WANDB_API_KEY,required` on the RUN that needs it")
    if prog == "ngrok" and args[:2] == ["config", "add-authtoken"] and len(args) >= 3:
        secret = _secret_value(args[2])
        if secret is None:
            return None
        return _mk(instr, stage, state, "ngrok config add-authtoken", posixpath.join(home, ".config/ngrok/ngrok.yml"),
                   "ngrok-authtoken", secret,
                   "ngrok reads `NGROK_AUTHTOKEN` from the environment when the container starts: pass it at "
                   "`docker run` time instead of storing it in the image")
    if prog == "sed" and any(a.startswith("-i") or a == "--in-place" for a in args):
        exprs = " ".join(a for a in args if not a.startswith("-"))
        names = [a or b for a, b in _VAR.findall(exprs) if (a or b)]
        secret_names = tuple(n for n in names if classify_name(n, None, ctx.settings.secret_policy) is not None)
        if not secret_names:
            return None
        files = [w for w in cmd.argv[2:] if not w.text.startswith("-")]
        path = shell_path(files[-1].raw, state) if files else None
        return _mk(instr, stage, state, "sed -i", path, f"sed-i:{','.join(secret_names)}", (secret_names, False),
                   "the file then holds the token: mount the finished file as a secret "
                   "(`--mount=type=secret,id=ID,target=PATH,required`) on the RUNs that read it, or render it, use "
                   "it and remove it in one RUN")
    return _redirect_write(ctx, instr, stage, state, cmd, prog, argv)


def _quote_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_@/:.\-${}]+", key) and "$" not in key else "'" + key.replace("'", "'\\''") + "'"


def _npm_suggestion(tw: TokenWrite) -> str:
    return ("mount a ready .npmrc as a secret on the RUNs that install "
            f"(`--mount=type=secret,id=npmrc,target={tw.path or '/root/.npmrc'},required`, build with "
            "`--secret id=npmrc,src=.npmrc`), or delete the entry at the end of this RUN "
            "(`npm config delete KEY`) if no later step needs it")


def _git(instr, stage, state, argv, raws) -> TokenWrite | None:
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in ("-C", "-c") else 1
    if i >= len(argv) or argv[i] != "config":
        return None
    args, rargs = argv[i + 1:], raws[i + 1:]
    if any(a in ("--unset", "--unset-all", "--remove-section", "--get", "--get-all", "-l", "--list") for a in args):
        return None
    scope = "--global" if "--global" in args else ("--system" if "--system" in args else "")
    pos = [(a, r) for a, r in zip(args, rargs) if not a.startswith("-")]
    if any(a in ("--file", "-f") for a in args):
        return None
    if len(pos) < 2:
        return None
    key, key_raw = pos[0]
    value = pos[1][0]
    home = _home(state)
    path = (posixpath.join(home, ".gitconfig") if scope == "--global" else
            "/etc/gitconfig" if scope == "--system" else None)
    low = key.lower()
    if low.startswith("url.") and (low.endswith(".insteadof") or low.endswith(".pushinsteadof")):
        secret = _url_secret(key[4:]) or _url_secret(value)
        if secret is None:
            return None
        section_raw = key_raw[: len(key_raw) - len(key.rsplit(".", 1)[1]) - 1]
        shown = _mask_url(key)
        tw = _mk(instr, stage, state, f"git config {scope + ' ' if scope else ''}url…insteadOf".replace("  ", " "), path,
                 f"git-config:{shown}", secret, "")
        url = shown[4: -len(key.rsplit(".", 1)[1]) - 1]
        tw.suggestion = (f"give git the rewrite for the one command that fetches: `git -c url.\"{url}\".insteadOf="
                         f"{value} …`, or `GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=url.{url}.insteadOf "
                         f"GIT_CONFIG_VALUE_0={value}` in that RUN's environment (the token from "
                         f"`--mount=type=secret,id=ID,env=VAR,required`), so ~/.gitconfig never holds it")
        tw.key_text = key[4: -len(key.rsplit(".", 1)[1]) - 1]  # for matching a cleanup only, never shown
        if scope == "--global" and not secret[1]:
            tw.cleanup = f"git config --global --remove-section {section_raw}"
        return tw
    if low in ("http.extraheader",) or re.match(r"^http\..*\.extraheader$", low):
        secret = _secret_value(value.split(":", 1)[-1].split()[-1]) if value else None
        if secret is None:
            return None
        return _mk(instr, stage, state, f"git config {scope} http.extraheader".replace("  ", " "), path,
                   f"git-config:{key}", secret,
                   "pass the header to the one command: `git -c http.extraheader=\"…\" clone …` with the token from "
                   "an env secret mount")
    if low.startswith("credential.") and low.endswith(".helper") is False and low.endswith("password"):
        secret = _secret_value(value)
        if secret is None:
            return None
        return _mk(instr, stage, state, f"git config {scope} {key}".replace("  ", " "), path, f"git-config:{key}",
                   secret, "pass it to the one command with `git -c` instead")
    return None


# Files whose content is written by echo/printf/cat.
_WRITERS = frozenset({"echo", "printf", "cat"})


def _redirect_write(ctx: _Ctx, instr, stage, state, cmd: Command, prog: str, argv) -> TokenWrite | None:
    if prog not in _WRITERS and prog != "tee":
        return None
    targets = [(r.op, r.target) for r in cmd.redirects if r.op in (">", ">>", ">|") and r.target is not None
               and r.fd in ("", "1")]
    if prog == "tee":
        targets += [(">>" if "-a" in argv else ">", w) for w in cmd.argv[1:] if not w.text.startswith("-")]
    if not targets:
        return None
    content = " ".join(argv[1:]) if prog != "cat" else ""
    for r in cmd.redirects:
        if r.op.startswith("<<") and r.op != "<<<" and r.target is not None:
            name = r.target.text.strip("'\"-")
            content += "\n" + "\n".join(h.content for h in instr.heredocs if h.name == name)
    for op, target in targets:
        path = shell_path(target.raw, state)
        name = target.text.rstrip("/")
        kind = kind_of_name(path or name, is_source=False)
        if kind is None or kind.id in ("private_key", "keystore", "service_account"):
            continue
        if kind.fields is not None and kind.id != "dotenv":
            values = [m.group(1) for m in kind.fields.finditer(content)]
        else:
            values = [content] if kind.id != "dotenv" else [
                v for n, v in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", content)
                if classify_name(n, None, ctx.settings.secret_policy) is not None]
        secret = None
        for v in values:
            secret = _secret_value(v) or _url_secret(v)
            if secret is not None:
                break
        if secret is None and find_credential_literals(content, ctx.settings.secret_policy):
            secret = ((), True)
        if secret is None:
            continue
        tw = _mk(instr, stage, state, f"{prog} {op} {name}", path, f"write:{name}", secret, "")
        tw.suggestion = (f"mount the finished file as a secret on the RUNs that read it "
                         f"(`--mount=type=secret,id={kind.id},target={path or name},required`, build with "
                         f"`--secret id={kind.id},src=PATH`), or remove it at the end of this RUN "
                         f"(`&& rm -f {target.raw}`) if no later step needs it")
        tw.cleanup = f"rm -f {path}" if path and re.fullmatch(r"[A-Za-z0-9_./@+-]+", path) else None
        tw.append = op == ">>" or (prog == "tee" and "-a" in argv)
        return tw
    return None


def _removes(cmd: Command, path: str, state: FsState) -> bool:
    if cmd.prog not in ("rm", "unlink", "shred"):
        return False
    for w in cmd.argv[1:]:
        if w.text.startswith("-"):
            continue
        p = shell_path(w.raw, state)
        if p is not None and (p == path or path.startswith(p.rstrip("/") + "/")):
            return True
    return False


def _cleaned_up(tw: TokenWrite, later: list[Item], state: FsState) -> bool:
    for item in later:
        for cmd in item.commands:
            argv = [w.text for w in cmd.argv]
            if not argv:
                continue
            prog = cmd.prog
            if tw.path and _removes(cmd, tw.path, state):
                return True
            joined = " ".join(argv)
            if prog == "git" and any(a in ("--unset", "--unset-all", "--remove-section") for a in argv) and \
                    tw.subject.startswith("git-config") and (not tw.key_text or tw.key_text in joined):
                return True
            if prog in ("npm", "yarn", "pnpm") and "config" in argv and any(a in ("delete", "rm", "unset") for a in argv) \
                    and tw.subject.startswith(f"{prog}-config") and (not tw.key_text or tw.key_text in joined):
                return True
            if prog == "docker" and argv[1:2] == ["logout"] and tw.subject == "docker-login":
                return True
            if prog in ("poetry", "composer") and "--unset" in argv and tw.subject.startswith(prog):
                return True
    return False


def _under_tmpfs(instr: Instruction, path: str | None) -> bool:
    if path is None:
        return False
    for m in mounts(instr):
        target = m.get("target") or m.get("dst") or m.get("destination")
        if m.get("type") == "tmpfs" and target and (path == target or path.startswith(target.rstrip("/") + "/")):
            return True
    return False


_SCRIPT_RUNNERS = frozenset({"sh", "bash", "ash", "dash", "zsh", "make", "npm", "npx", "yarn", "pnpm", "git", "go",
                             "pip", "pip3", "poetry", "composer", "bundle", "mvn", "gradle", "docker"})


def _mentioned_before(ctx: _Ctx, tw: TokenWrite, script: Script, item: Item) -> bool:
    """Could the file already hold something when the write appends to it?"""
    base = posixpath.basename(tw.path or "")
    if any(base in it.text for it in script.items[: script.items.index(item)]):
        return True
    chain = [tw.stage]
    while True:
        parent = next((s for s in ctx.df.stages[: chain[-1].index] if chain[-1].base.lower() in
                       {s.name, str(s.index)}), None)
        if parent is None:
            break
        chain.append(parent)
    for st in chain:
        for i in st.instructions[1:]:
            if i is tw.instr or (st is tw.stage and i.start_line > tw.instr.start_line):
                break
            if base in i.logical:
                return True
    return False


def _plan_fix(ctx: _Ctx, tw: TokenWrite, script: Script, item: Item, state: FsState) -> None:
    """Append the cleanup to the RUN when nothing after it can need the file."""
    if tw.path is None:
        tw.blockers.append("the file it writes cannot be resolved")
        return
    if tw.cleanup is None:
        if tw.tool == "sed -i":
            tw.blockers.append("it fills in a file later steps use, so the file cannot simply be removed")
        elif tw.literal:
            tw.blockers.append("the token is a literal in the Dockerfile")
        else:
            tw.blockers.append(f"`{tw.tool.split(' ')[0]}` keeps the token in its own store and has no cleanup "
                               f"that is safe to append automatically")
        return
    if tw.append and _mentioned_before(ctx, tw, script, item):
        tw.blockers.append("it appends to a file that earlier steps may have filled, so removing it would lose "
                           "their settings")
        return
    if item.complex or not item.separable:
        tw.blockers.append("the write is inside a compound command")
        return
    k = script.items.index(item)
    if any(c.prog in ("cd", "pushd", "popd") for it in script.items[:k] for c in it.commands):
        tw.blockers.append("the RUN changes directory before the write")
        return
    if _exits(script):
        tw.blockers.append("the RUN may exit early")
        return
    instr = tw.instr
    if not _plain_end(script):
        tw.blockers.append("the RUN does not end with a plain command")
        return
    life = file_life(ctx.df, tw.stage, instr, tw.path, ctx.states)
    if life.blockers:
        tw.blockers += life.blockers
        return
    if carried_copies(ctx.df, tw.stage, tw.path, ctx.states):
        tw.blockers.append("a COPY --from copies it out of the stage")
        return
    if not _runtime_ok(ctx, tw):
        return
    if life.readers:
        _plan_move(ctx, tw, script, item, life)
        return
    last = script.items[-1]
    end = instr.source_span(instr.args_offset + last.start, instr.args_offset + last.end).end
    tw.edits = [Edit(end, end, f" && {tw.cleanup}")]


def _exits(script: Script) -> bool:
    return any(c.prog in ("exit", "exec", "return") or "exit" in it.text.split()
               for it in script.items for c in it.commands)


def _plain_end(script: Script) -> bool:
    last = script.items[-1]
    return not script.text[last.end:].strip() and not last.after


def _plan_move(ctx: _Ctx, tw: TokenWrite, script: Script, item: Item, life) -> None:
    """Later RUNs read the file: move the write into each of them, with the cleanup at their end, so the
    file exists exactly while they run (and never when a layer is saved)."""
    instr = tw.instr
    lines = [u.instr.start_line for u in life.readers]
    first = f"a later RUN reads it (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))})"
    if tw.append:
        tw.blockers.append(first + " and the write appends")
        return
    state = ctx.states.get(id(instr), FsState())
    used = {a or b for a, b in _VAR.findall(item.text) if a or b}
    k = script.items.index(item)
    if any(re.search(rf"\b{re.escape(v)}=", it.text) for it in script.items[:k] for v in used) or \
            any(c.prog in ("source", ".") for it in script.items[:k] for c in it.commands):
        tw.blockers.append(first + " and the write depends on an earlier command of its RUN")
        return
    body = tw.stage.instructions
    start = body.index(instr)
    last_reader = life.readers[-1].instr
    if last_reader not in body:
        tw.blockers.append(first + " in another stage")
        return
    for i in body[start + 1: body.index(last_reader) + 1]:
        if i.cmd in ("ARG", "ENV") and used & {n for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", i.args)}:
            tw.blockers.append(first + f" and the {i.cmd} at line {i.start_line} changes what the write uses")
            return
        if i.cmd == "ONBUILD":
            tw.blockers.append(first + f" and ONBUILD at line {i.start_line} may run in between")
            return
    readers = []
    for use in life.readers:
        r = use.instr
        rs = ctx.states.get(id(r), FsState())
        if (rs.workdir, rs.user, rs.home) != (state.workdir, state.user, state.home) or rs.workdir is None:
            tw.blockers.append(first + " with another WORKDIR/USER/HOME")
            return
        rscript = use.script
        if rscript is None or not rscript.items or _exits(rscript) or not _plain_end(rscript):
            tw.blockers.append(first + " and that RUN cannot be edited safely (exec form, heredoc, early exit)")
            return
        readers.append((r, rscript))
    edits: list[Edit] = []
    if len(script.items) == 1:
        edits.append(remove_instruction(ctx.df, instr))
    elif k == len(script.items) - 1:
        (a, b), = _item_spans(script, [k])
        sp = instr.source_span(instr.args_offset + a, instr.args_offset + b)
        edits.append(Edit(sp.start, sp.end, ""))
    else:
        # Commands after the write in its own RUN use it too: it stays there, cleaned up at the end.
        last = script.items[-1]
        end = instr.source_span(instr.args_offset + last.start, instr.args_offset + last.end).end
        edits.append(Edit(end, end, f" && {tw.cleanup}"))
    write = item.text
    extra_flags = [f.text for f in instr.flags if f.name == "mount" and "type=secret" in f.text]
    for r, rscript in readers:
        grouped = any(it.before not in ("", "&&") for it in rscript.items) or \
            any(it.complex for it in rscript.items)
        a0 = instr_script_start(r, rscript)
        end = r.source_span(r.args_offset + rscript.items[-1].start, r.args_offset + rscript.items[-1].end).end
        if grouped:
            edits.append(Edit(a0, a0, f"{write} && {{ "))
            edits.append(Edit(end, end, f"; }} && {tw.cleanup}"))
        else:
            edits.append(Edit(a0, a0, f"{write} && "))
            edits.append(Edit(end, end, f" && {tw.cleanup}"))
        have = {f.text for f in r.flags}
        for flag in extra_flags:
            if flag not in have:
                k = r.keyword_span.end
                edits.append(Edit(k, k, " " + flag))
    merged = merge_edits(ctx.df.text, edits)
    if merged is None:
        tw.blockers.append(first + "; the edits would conflict")
        return
    tw.edits = merged
    tw.moved_to = lines


def instr_script_start(instr: Instruction, script: Script) -> int:
    return instr.source_offset(instr.args_offset + script.items[0].start)


def _runtime_ok(ctx: _Ctx, tw: TokenWrite) -> bool:
    if tw.in_final:
        starts = [i for st in final_chain(ctx.df) for i in st.instructions[1:] if i.cmd in ("CMD", "ENTRYPOINT")]
        if not starts:
            tw.blockers.append("the final image has no CMD/ENTRYPOINT of its own, so it may be a base image whose "
                               "users rely on the file")
            return False
        tool = tw.tool.split(" ")[0]
        base = posixpath.basename(tw.path)
        for i in starts + [i for st in final_chain(ctx.df) for i in st.instructions[1:] if i.cmd == "HEALTHCHECK"]:
            words = set(re.split(r"[\s\"',\[\]=/]+", i.args))
            if tool in words or base in i.args or words & _SCRIPT_RUNNERS or re.search(r"\.(?:sh|bash|py|rb|js)\b", i.args):
                tw.blockers.append(f"the running container may need it ({i.cmd} at line {i.start_line})")
                return False
    return True
