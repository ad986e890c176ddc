"""An SSH private key (or a `.ssh` directory) copied into the image with `COPY`/`ADD`.

Why it leaks:
Every layer is part of the image: a key copied in stays readable by anyone who
can pull the image (or read the build cache), even when a later `RUN rm`
deletes it. `RUN --mount=type=ssh` forwards the ssh-agent of the machine that
runs `docker build` to one RUN instead; no key file ever enters a layer.

Bad:
    FROM alpine:3.20
    RUN apk add --no-cache git openssh-client
    COPY id_ed25519 /root/.ssh/id_ed25519
    RUN chmod 600 /root/.ssh/id_ed25519
    RUN echo "StrictHostKeyChecking no" >> /etc/ssh/ssh_config
    RUN git clone git@github.com:acme/private.git /src

Good:
    # syntax=docker/dockerfile:1
    FROM alpine:3.20
    RUN apk add --no-cache git openssh-client
    RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts
    RUN --mount=type=ssh,required git clone git@github.com:acme/private.git /src

Build flags:
    --ssh default   (forwards $SSH_AUTH_SOCK; `ssh-add` the key on the build machine first)

Not rewritten when:
No RUN of the stage connects over SSH after the copy (the key is there for the
running container, or unused); the SSH host of a command cannot be determined
(a variable, an ssh config alias, a manifest not readable from the build
context); the key file is read by another tool (`ssh-keygen`, signing, `cat`);
ssh-agent is started in a way that cannot be split from the command; CMD/
ENTRYPOINT may use it at run time; another stage copies it out. The finding then
says what to change by hand. Recognized SSH users: git with `git@host:`/`ssh://`
URLs or an `insteadOf` rewrite to SSH, pip/npm/yarn/pnpm/bundle/composer/cargo/
poetry/pipenv/mix with SSH dependencies in their build-context manifests, go
with an `insteadOf` rewrite, scp, sftp, rsync and ssh.
"""

from __future__ import annotations

from .base import Rule, RuleContext
from .dm3_ssh_fix import may_involve_ssh, key_fix, ssh_analysis


class SshKeyCopied(Rule):
    code = "DM301"
    name = "ssh-key-copied"

    @classmethod
    def may_find(cls, text, settings):
        return may_involve_ssh(text)

    def check(self, ctx: RuleContext):
        for key in ssh_analysis(ctx).keys:
            if key.kind != "copy":
                continue
            instr = key.instr
            message = (f"{instr.cmd} puts {key.label} into an image layer, where a later `rm` cannot remove it: "
                       f"{key.where}.")
            fix, desc = key_fix(ctx, key)
            yield self.finding(instr.start_line, instr.end_line, message + " " + desc, fix=fix,
                               subject=key.subject)
