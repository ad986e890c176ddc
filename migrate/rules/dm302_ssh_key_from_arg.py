"""An SSH private key passed as a build argument (or ENV/secret) and written to a file or ssh-agent.

Why it leaks:
`--build-arg SSH_PRIVATE_KEY="$(cat ~/.ssh/id_rsa)"` records the key in the
image history (`docker history` shows `|1 SSH_PRIVATE_KEY=...`) and in build
provenance; `echo "$SSH_PRIVATE_KEY" > ~/.ssh/id_rsa` also stores it in a layer,
where a later `rm` does not remove it. The same holds for a secret mount whose
value is written to a file. `RUN --mount=type=ssh` forwards the builder's
ssh-agent to one RUN instead.

Bad:
    FROM golang:1.22
    ARG SSH_PRIVATE_KEY
    RUN mkdir -p /root/.ssh && echo "$SSH_PRIVATE_KEY" > /root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa
    RUN ssh-keyscan github.com >> /root/.ssh/known_hosts
    RUN git clone git@github.com:acme/private.git /src

Good:
    # syntax=docker/dockerfile:1
    FROM golang:1.22
    RUN mkdir -p /root/.ssh
    RUN ssh-keyscan github.com >> /root/.ssh/known_hosts
    RUN --mount=type=ssh,required git clone git@github.com:acme/private.git /src

Build flags:
    --ssh default   (instead of --build-arg SSH_PRIVATE_KEY=...; `ssh-add` the key on the build machine)

Not rewritten when:
No RUN of the stage connects over SSH after the key is written (it is there for
the running container, or unused); the host of a command cannot be determined;
the variable is read by other commands (printed, passed to a script, built into
another variable) or by CMD/ENTRYPOINT; the key file is read by another tool;
the write or the ssh-agent plumbing sits inside a construct that cannot be split
(`||`, `if`, a heredoc). DM101/DM102 still move such a variable to a secret
mount; this rule then explains what else to change. See DM301 for the list of
recognized SSH users.
"""

from __future__ import annotations

from .base import Rule, RuleContext
from .dm3_ssh_fix import may_involve_ssh, key_fix, ssh_analysis


def _what(key, many: bool) -> str:
    s = "" if many else "s"
    targets = sorted(key.paths)
    if key.agent_only or not targets:
        return f"load{s} into ssh-agent"
    shown = ", ".join(targets)
    agent = any("ssh-add" in w.obj.text for w in key.writes)
    return f"write{s} to {shown}" + (f" and load{s} into ssh-agent" if agent else "")


class SshKeyFromArg(Rule):
    code = "DM302"
    name = "ssh-key-from-arg"

    @classmethod
    def may_find(cls, text, settings):
        return may_involve_ssh(text)

    def check(self, ctx: RuleContext):
        for key in ssh_analysis(ctx).keys:
            if key.kind != "var":
                continue
            instr = key.instr
            lines = sorted({w.run.instr.start_line for w in key.writes})
            run_text = (f"the RUN at line {lines[0]}" if len(lines) == 1
                        else "the RUNs at lines " + ", ".join(str(n) for n in lines))
            if instr.cmd in ("ARG", "ENV"):
                leak = ("the value is recorded in the image history and build provenance" if instr.cmd == "ARG"
                        else "the value is stored in the image config")
                if not key.agent_only:
                    leak += " and the file stays in that layer"
                message = (f"{key.label} carries an SSH private key that {run_text} {_what(key, len(lines) > 1)}: {leak}; "
                           f"{key.where}.")
            else:
                message = (f"the secret {key.subject} holds an SSH private key that {run_text} {_what(key, len(lines) > 1)}: "
                           f"the file stays in that layer; {key.where}.")
                message = message[0].upper() + message[1:]
            fix, desc = key_fix(ctx, key)
            yield self.finding(instr.start_line, instr.end_line, message + " " + desc, fix=fix,
                               subject=key.subject)
