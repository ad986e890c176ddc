"""A credential file (`.npmrc`, `.pypirc`, `.netrc`, `.aws/credentials`, a private key...) copied into the image with `COPY`/`ADD`.

Why it leaks:
Every layer is part of the image and of the build cache: a credential file
copied in stays readable by anyone who can pull the image, even when a later
`RUN rm` deletes it. `RUN --mount=type=secret,id=ID,target=PATH` puts the file
at the same path for one RUN only (tmpfs, never in a layer, not part of the
cache key). Recognized: `.npmrc`, `.yarnrc.yml`, `.pypirc`, `pip.conf`,
`.netrc`, `.git-credentials`, `.docker/config.json`, `.aws/credentials`,
`.gem/credentials`, `NuGet.Config`, Maven `settings.xml`, Composer
`auth.json`, `.env`, kubeconfig, `*.key`/`*.pem` private keys, `*.p12`/`*.pfx`/
`*.jks` key stores and service-account JSON, by the source name (also
qualified: `.npmrc-ci`, `ci.npmrc`) or the name it is given. Templates
(`.npmrc.example`), public keys (`*.pub`), certificates and SSH files
(`known_hosts`, `ssh_config`; keys are DM301's) are not credential files.
When the build context is readable, its copy of the file decides: a file
whose credential fields only reference variables (`_authToken=${NPM_TOKEN}`)
is not a secret, the variable is (DM101/DM102 migrate it; an info finding
says when nothing provides it); a literal credential is reported as committed
to the repository; `COPY . .` of a context holding a credential file that
`.dockerignore` does not exclude is reported.

Bad:
    FROM node:20
    WORKDIR /app
    COPY package.json .npmrc ./
    RUN npm ci && rm -f .npmrc

Good:
    # syntax=docker/dockerfile:1
    FROM node:20
    WORKDIR /app
    COPY package.json ./
    RUN --mount=type=secret,id=npmrc,target=/app/.npmrc,required npm ci

Build flags:
    --secret id=npmrc,src=.npmrc   (the file's path, relative to the build context)

Not rewritten when:
Every RUN after the copy that could read the file gets the mount (a RUN is
left out only when it does not name the file and runs only tools that read no
configuration); its `rm` goes, since the file no longer exists. Report only
when: the running container needs the file (CMD/ENTRYPOINT use it, an ENV
points at it, a start command's tool reads it, a `.env` file, or no build step
reads it) — provide it at `docker run` time instead; another COPY of a
directory holding the same context file puts it into a layer anyway (add it to
`.dockerignore` first); a RUN modifies, moves or copies it, or a tool writes
its configuration into it (`npm config set`, `aws configure`); a `COPY --from`
copies it out; the destination cannot be resolved (`~`, a WORKDIR from a
variable); a directory is copied (one mount holds one file). The finding says
whether the final image or only a builder stage and the build cache held it.
"""

from __future__ import annotations

from ..analysis.credential_copies import SECRET_FRONTEND, CredCopy, analyse_copies, may_copy_credentials
from ..fix import Fix
from .base import Rule, RuleContext


def credential_copies(ctx: RuleContext):
    return ctx.cached("credential_copies", lambda: analyse_copies(ctx.df, ctx.settings, ctx.path))


def _lines(ns) -> str:
    ns = sorted(set(ns))
    return f"line {ns[0]}" if len(ns) == 1 else "lines " + ", ".join(str(n) for n in ns)


def _content_note(cc: CredCopy) -> str:
    c = cc.content
    if c is None or c.verdict != "secret":
        return ""
    if c.literal_kinds:
        shown = ", ".join(f"`{m}`" for m in c.masked[:2])
        return (f" The build context's `{cc.ctx_path}` holds a literal credential ({', '.join(c.literal_kinds)}: "
                f"{shown}): "
                f"it is committed to the repository; rotate it and stop tracking the file.")
    return f" The build context's `{cc.ctx_path}` holds the credential itself (it is committed to the repository " \
           f"if tracked; rotate it if so)."


class CredentialFileCopied(Rule):
    code = "DM201"
    name = "credential-file-copied"

    @classmethod
    def may_find(cls, text, settings):
        return may_copy_credentials(text, settings)

    def check(self, ctx: RuleContext):
        analysis = credential_copies(ctx)
        for cc in analysis.copies:
            yield self._finding(cc)
        for cc in analysis.templates:
            yield self._template(cc)

    def _finding(self, cc: CredCopy):
        instr = cc.instr
        if cc.is_dir:
            if cc.via:
                msg = (f"{instr.cmd} copies {cc.label} from the build context into an image layer; {cc.where}."
                       f"{_content_note(cc)} Not rewritten: one secret mount holds one file, not a directory. Add "
                       f"`{cc.via}` to .dockerignore and mount it on the RUNs that need it "
                       f"(`RUN --mount=type=secret,id={cc.secret_id},target=PATH,required`, build with "
                       f"`--secret id={cc.secret_id},src={cc.via}`).")
            else:
                msg = (f"{instr.cmd} copies {cc.label} into an image layer, where a later `rm` cannot remove what "
                       f"it holds; {cc.where}. Not rewritten: one secret mount holds one file, not a directory. "
                       f"Mount each file a RUN needs with `RUN --mount=type=secret,id=ID,target=PATH,required` "
                       f"(build with `--secret id=ID,src={cc.ctx_path.rstrip('/')}/FILE`) and provide the ones the "
                       f"running container needs at `docker run` time.")
            return self.finding(instr.start_line, instr.end_line, msg, subject=cc.via or cc.ctx_path)
        at = f" at {cc.dest}" if cc.dest else ""
        msg = (f"{instr.cmd} puts {cc.label} into an image layer{at}, where a later `rm` cannot remove it; "
               f"{cc.where}.{_content_note(cc)}")
        if cc.runtime:
            msg += (f" The running container needs it ({cc.runtime}), so it is left in place: do not bake it "
                    f"into the image, provide it when the container starts (`docker run -v "
                    f"$PWD/{cc.ctx_path}:{cc.dest or '/PATH/IT/IS/READ/FROM'}:ro`, or a Compose/Kubernetes secret).")
            return self.finding(instr.start_line, instr.end_line, msg, subject=cc.ctx_path, severity="warning")
        if not cc.fixable:
            reasons = "; ".join(dict.fromkeys(cc.blockers)) or "it cannot be migrated safely"
            msg += (f" Not rewritten: {reasons}. By hand: drop the {instr.cmd}, add `{cc.mount if cc.dest else '--mount=type=secret,id=' + cc.secret_id + ',target=PATH,required'}` "
                    f"to the RUNs that read it and build with `{cc.requirement.flag()}`.")
            return self.finding(instr.start_line, instr.end_line, msg, subject=cc.ctx_path)
        parts = []
        if cc.readers:
            n = len({r.start_line for r in cc.readers})
            parts.append(f"the RUN{'s' if n > 1 else ''} at {_lines(r.start_line for r in cc.readers)} "
                         f"get{'' if n > 1 else 's'} `{cc.mount}` (the file exists for that step only)")
        removed = [n for n in cc.removed_lines if n != instr.start_line]
        what = f"the {instr.cmd}" + (f" and the `rm` at {_lines(removed)}" if removed else "")
        parts.append(f"{what} {'are' if removed else 'is'} removed")
        msg += " Fix: " + " and ".join(parts)
        if cc.notes:
            msg += " (" + "; ".join(cc.notes) + ")"
        if cc.readers:
            msg += f"; build with `{cc.requirement.flag()}`."
            fix = Fix(tuple(cc.edits), (cc.requirement,), SECRET_FRONTEND)
        else:
            msg += " (nothing in the build reads it)."
            fix = Fix(tuple(cc.edits))
        return self.finding(instr.start_line, instr.end_line, msg, fix=fix, subject=cc.ctx_path)

    def _template(self, cc: CredCopy):
        instr = cc.instr
        names = ", ".join(f"`{v}`" for v in cc.undeclared)
        readers = [u.instr.start_line for u in (cc.life.readers if cc.life else [])]
        v = cc.undeclared[0]
        where = f" (line{'s' if len(readers) > 1 else ''} {', '.join(map(str, readers))})" if readers else ""
        msg = (f"{instr.cmd} copies {cc.label}, whose credential fields only reference {names}: the file is not a "
               f"secret, the variable is. Nothing in this Dockerfile provides {names}; to give the build a value "
               f"without leaving it in a layer, add `--mount=type=secret,id={v},env={v},required` to the RUNs that "
               f"read the file{where} and build with `--secret id={v},env={v}`.")
        return self.finding(instr.start_line, instr.end_line, msg, subject=cc.ctx_path, severity="info")
