"""SSH host key checking turned off (`StrictHostKeyChecking no`, `UserKnownHostsFile=/dev/null`).

Why it leaks:
Without host key checking, anything that can answer for the git host during the
build (DNS spoofing, a hostile network, a compromised mirror) receives the SSH
session: the forwarded agent or a copied key can then be used against every
host that trusts it, and the fetched code can be swapped. Pinning the host key
with `ssh-keyscan` in the image keeps checking on; the hack usually comes with
a copied key (DM301/DM302) and is replaced in the same migration.

Bad:
    RUN echo "StrictHostKeyChecking no" >> /etc/ssh/ssh_config
    RUN --mount=type=ssh git clone git@github.com:acme/private.git

Good:
    RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts
    RUN --mount=type=ssh git clone git@github.com:acme/private.git

Build flags:
    none (the keyscan runs at build time; pin the keys in the Dockerfile or the
    build context instead if you do not trust the build network either)

Not rewritten when:
No RUN after it connects over SSH (the setting is there for the running
container), the host of a command after it cannot be determined, the same
command writes other ssh settings, it is written by a heredoc or a copied
config file, or it sits in a construct that cannot be split (`||`, `if`).
"""

from __future__ import annotations

from .base import Rule, RuleContext
from .dm3_ssh_fix import may_involve_ssh, hack_fix, ssh_analysis


class SshHostKeyCheckDisabled(Rule):
    code = "DM303"
    name = "ssh-host-key-check-disabled"
    severity = "warning"

    @classmethod
    def may_find(cls, text, settings):
        return may_involve_ssh(text)

    def check(self, ctx: RuleContext):
        for hack in ssh_analysis(ctx).hacks:
            instr = hack.instr
            message = (f"{hack.desc[0].upper()}{hack.desc[1:]}: SSH then accepts any host key, so whoever answers "
                       f"for the host gets the session (and the key or agent behind it).")
            fix, desc = hack_fix(ctx, hack)
            yield self.finding(instr.start_line, instr.end_line, message + " " + desc, fix=fix,
                               subject=hack.subject)
