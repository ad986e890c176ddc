"""A token written to a file inside `RUN` (`git config url.…insteadOf`, `echo … > .npmrc`, `docker login`...).

Why it leaks:
The file a RUN writes is part of its layer: `git config --global
url."https://${TOKEN}@github.com/".insteadOf` stores the token in
~/.gitconfig, `echo "//registry/:_authToken=$NPM_TOKEN" > .npmrc` in .npmrc,
`docker login -p` in ~/.docker/config.json, `aws configure set
aws_secret_access_key` in ~/.aws/credentials. A secret mount does not help:
the value comes from the mount, and then the RUN writes it to disk. Also
recognized: `npm|yarn config set …_authToken`, `echo|printf|cat <<EOF` into
`.netrc`/`.pypirc`/`pip.conf`/`.git-credentials`/`auth.json`..., `pip config
set` with a credentialed index URL, `poetry config http-basic|pypi-token`,
`composer config http-basic|github-oauth|…`, `bundle config HOST user:token`,
`nuget add source --password`, `huggingface-cli login --token`, `wandb
login`, `ngrok config add-authtoken`, `sed -i` substituting a secret-named
variable into a file. A write removed again in the same RUN (`rm`, `git config
--remove-section`, `npm config delete`, `docker logout`) or made under a tmpfs
mount is not reported.

Bad:
    FROM golang:1.22 AS build
    RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN \
        git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/" && \
        go mod download

Good:
    # syntax=docker/dockerfile:1
    FROM golang:1.22 AS build
    RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN \
        git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/" && \
        go mod download && git config --global --remove-section url."https://${GH_TOKEN}@github.com/"

Build flags:
    none (the fix only removes the file again; the token's own source does not change)

Not rewritten when:
The cleanup is appended to the same RUN only when that is provably behaviour
preserving: the write is a plain top-level command of a shell-form RUN that
does not `cd` before it or `exit`, the tool has a known cleanup, no `COPY
--from` copies the file, and in the final image there is a CMD/ENTRYPOINT of
its own that cannot need it (no CMD: the image may be a base image). When later
RUNs could read the file, the write (replacing the file or a config key, not
appending) is repeated at the start of each of them and each ends with the
cleanup -- only if they are shell-form RUNs of the same stage with the same
WORKDIR/USER/HOME and nothing in between redefines what the write uses; a
reader that is a `;`/`||` list is grouped (`W && { ...; } && cleanup`) so a
failing write still fails it. Otherwise the finding is report only and names a
concrete rewrite (`git -c`/`GIT_CONFIG_*` for one command, a secret-mounted
file as `target=`, the tool's environment variable from an env secret mount).
"""

from __future__ import annotations

from ..analysis.token_writes import TokenWrite, analyse_token_writes, may_write_token
from ..fix import Fix
from .base import Rule, RuleContext


def token_writes(ctx: RuleContext) -> list[TokenWrite]:
    return ctx.cached("token_writes", lambda: analyse_token_writes(ctx.df, ctx.settings))


class TokenPersistedInRun(Rule):
    code = "DM202"
    name = "token-persisted-in-run"

    @classmethod
    def may_find(cls, text, settings):
        return may_write_token(text, settings)

    def check(self, ctx: RuleContext):
        for tw in token_writes(ctx):
            instr = tw.instr
            if tw.literal:
                token = "a literal credential (rotate it: it is also in the Dockerfile)"
            elif tw.variables:
                token = "the token from " + ", ".join(
                    "a command substitution" if v == "$(...)" else f"`${v}`" for v in tw.variables)
            else:
                token = "a token"
            msg = (f"`{tw.tool}` writes {token} to {tw.shown_path}, which stays in the RUN's layer even when the "
                   f"token comes from a secret mount; {tw.where}.")
            if tw.fixable and tw.moved_to:
                n = len(tw.moved_to)
                msg += (f" Fix: the write is repeated at the start of the later RUN{'s' if n > 1 else ''} that read "
                        f"the file (line{'s' if n > 1 else ''} {', '.join(map(str, tw.moved_to))}) and every RUN that "
                        f"writes it ends with `{tw.cleanup}`, so the file exists only while they run and never when a "
                        f"layer is saved.")
                fix = Fix(tuple(tw.edits))
                yield self.finding(instr.start_line, instr.end_line, msg, fix=fix, subject=tw.subject)
                continue
            if tw.fixable:
                msg += (f" Fix: `{tw.cleanup}` is appended to the same RUN, so the file is gone before the layer "
                        f"is saved (no later step and nothing at run time reads it).")
                fix = Fix(tuple(tw.edits))
                yield self.finding(instr.start_line, instr.end_line, msg, fix=fix, subject=tw.subject)
                continue
            reasons = "; ".join(dict.fromkeys(tw.blockers)) or "it cannot be restructured safely"
            msg += f" Not rewritten: {reasons}. Suggested rewrite: {tw.suggestion}."
            yield self.finding(instr.start_line, instr.end_line, msg, subject=tw.subject)
