"""Which files hold credentials: a catalogue of credential file names and a
reader of their content.

A name is judged on the source *or* the destination of a COPY: the source may
be renamed (`COPY ci/npmrc /root/.npmrc`, `COPY .npmrc-ci .npmrc`). Sources
may carry a qualifier (`.npmrc-ci`, `ci.npmrc`); destinations must be the
exact name the tool reads. Templates (`.npmrc.example`, `.env.sample`,
`*.tmpl`...), public halves (`*.pub`, certificates) and SSH files (the SSH
rules' business: `id_rsa`, `.ssh/`, `known_hosts`, `ssh_config`) are not
credential files.

When the build context can be read, the content decides: a file whose
credential fields only reference environment variables (`_authToken=${NPM_TOKEN}`)
is a template, not a secret; one without credential fields is plain
configuration; a literal credential is a secret.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from ..secrets import classify_name, find_credential_literals


@dataclass(frozen=True)
class CredentialKind:
    id: str  # secret id used by the fix (stable, documented in DM201)
    what: str  # human description
    runtime_tools: frozenset[str] = frozenset()  # programs that read it when the container runs
    # Regex with one group per credential value; None: the whole file is the credential.
    fields: re.Pattern[str] | None = None


def _k(id_, what, tools="", fields=None) -> CredentialKind:
    return CredentialKind(id_, what, frozenset(tools.split()), re.compile(fields, re.M | re.I) if fields else None)


NPMRC = _k("npmrc", "npm registry credentials", "npx",
           r"^[^#;\n]*(?:_authToken|_auth|_password)\s*=\s*(.*)$")
YARNRC = _k("yarnrc", "Yarn registry credentials", "",
            r"^\s*(?:npmAuthToken|npmAuthIdent|npmPassword)\s*:\s*(.*)$")
PYPIRC = _k("pypirc", "PyPI upload credentials", "twine upload", r"^\s*password\s*[=:]\s*(.*)$")
PIP_CONF = _k("pip_conf", "pip index credentials", "pip pip3",
              r"^\s*(?:extra-)?index-url\s*[=:]\s*(\S*://[^\s/@]*@\S*)")
NETRC = _k("netrc", "netrc login credentials", "curl wget git ftp", r"(?:^|\s)password\s+(\S+)")
GIT_CREDENTIALS = _k("git_credentials", "git credential store", "git", r"(\S+://[^\s/@]+@\S+)")
DOCKER_CONFIG = _k("docker_config", "Docker registry credentials", "docker",
                   r"\"(?:auth|identitytoken|password|registrytoken)\"\s*:\s*\"([^\"]*)\"")
AWS_CREDENTIALS = _k("aws_credentials", "AWS access keys", "aws",
                     r"^\s*(?:aws_secret_access_key|aws_session_token)\s*=\s*(.*)$")
GEM_CREDENTIALS = _k("gem_credentials", "RubyGems API key", "gem", r"^\s*:?[a-z_]*api_key:?\s*[:=]?\s*(\S+)")
NUGET_CONFIG = _k("nuget_config", "NuGet feed credentials", "dotnet nuget",
                  r"key=\"(?:ClearTextPassword|Password)\"\s+value=\"([^\"]*)\"")
MAVEN_SETTINGS = _k("maven_settings", "Maven repository credentials", "mvn",
                    r"<(?:password|privateKey|passphrase)>([^<]*)</")
MAVEN_SECURITY = _k("maven_settings_security", "Maven master password", "mvn")
COMPOSER_AUTH = _k("composer_auth", "Composer repository credentials", "composer",
                   r"\"(?:password|token|consumer-secret|[a-z0-9.-]+\.[a-z]{2,})\"\s*:\s*\"([^\"]*)\"")
DOTENV = _k("dotenv", "environment file (.env)", "")
KUBECONFIG = _k("kubeconfig", "Kubernetes cluster credentials", "kubectl helm",
                r"^\s*(?:token|client-key-data|password)\s*:\s*(\S+)")
PRIVATE_KEY = _k("private_key", "private key", "", r"(-----BEGIN [A-Z ]*PRIVATE KEY-----)")
KEYSTORE = _k("keystore", "key store")
SERVICE_ACCOUNT = _k("service_account", "cloud service-account key", "",
                     r"\"(?:private_key|client_secret|refresh_token)\"\s*:\s*\"([^\"]*)\"")

_EXACT = {
    ".npmrc": NPMRC, "npmrc": NPMRC, ".yarnrc.yml": YARNRC, "yarnrc.yml": YARNRC,
    ".pypirc": PYPIRC, "pypirc": PYPIRC, "pip.conf": PIP_CONF, "pip.ini": PIP_CONF,
    ".netrc": NETRC, "netrc": NETRC, "_netrc": NETRC,
    ".git-credentials": GIT_CREDENTIALS, "git-credentials": GIT_CREDENTIALS,
    ".dockercfg": DOCKER_CONFIG, "dockerconfig.json": DOCKER_CONFIG, "docker-config.json": DOCKER_CONFIG,
    "aws-credentials": AWS_CREDENTIALS, "aws_credentials": AWS_CREDENTIALS,
    "nuget.config": NUGET_CONFIG,
    "maven-settings.xml": MAVEN_SETTINGS, "maven_settings.xml": MAVEN_SETTINGS,
    "settings-security.xml": MAVEN_SECURITY,
    ".env": DOTENV,
    "kubeconfig": KUBECONFIG, "kubeconfig.yaml": KUBECONFIG, "kubeconfig.yml": KUBECONFIG,
    "kube.config": KUBECONFIG,
}
# (parent directory, name) pairs.
_IN_DIR = {
    (".docker", "config.json"): DOCKER_CONFIG, (".aws", "credentials"): AWS_CREDENTIALS,
    (".gem", "credentials"): GEM_CREDENTIALS, (".kube", "config"): KUBECONFIG,
    (".m2", "settings.xml"): MAVEN_SETTINGS, (".m2", "settings-security.xml"): MAVEN_SECURITY,
    (".composer", "auth.json"): COMPOSER_AUTH, ("composer", "auth.json"): COMPOSER_AUTH,
}
# Names that are credentials only when the Dockerfile uses the tool.
_GENERIC = {"settings.xml": (MAVEN_SETTINGS, ("mvn", "maven")), "auth.json": (COMPOSER_AUTH, ("composer",))}
# Qualified source names: `.npmrc-ci`, `ci.npmrc`, `npmrc.docker`.
_QUALIFIABLE = {".npmrc": NPMRC, "npmrc": NPMRC, ".pypirc": PYPIRC, ".netrc": NETRC, "pip.conf": PIP_CONF}

_TEMPLATE_SUFFIX = re.compile(
    r"(?i)[.\-_](?:example|examples|sample|samples|template|templates|tmpl|tpl|dist|default|defaults|in|j2|"
    r"jinja|jinja2|erb|orig|skel|stub|mock|fake|dummy|test|tests|spec)$"
)
_TEMPLATE_PREFIX = re.compile(r"(?i)^(?:example|sample|template|dummy|fake|mock|test)[.\-_]")
_SSH_NAMES = re.compile(r"(?i)^(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|known_hosts|ssh_config|sshd_config|authorized_keys|config\.ssh)$")
_WORDS = r"(?:^|[.\-_])(?:{})(?:[.\-_]|$)"
_PUBLIC_KEY = re.compile("(?i)" + _WORDS.format("pub|public|pubkey|gpg|pgp|asc|apt|archive|keyring|release|repo|signing-pub"))
_CERT = re.compile("(?i)" + _WORDS.format("pub|public|pubkey|cert|certs|certificate|crt|ca|cacert|chain|fullchain|bundle|"
                                          "root|intermediate|gpg|pgp|trust|truststore|cacerts"))
_TRUST = re.compile("(?i)" + _WORDS.format("trust|truststore|cacerts|ca|public"))
_KEY_HINT = re.compile(r"(?i)key|priv|secret")
_SA_JSON = re.compile(
    r"(?i)service[-_]?account|credentials?|client[-_]?secret|adminsdk"
    r"|^(?:key|keyfile|(?:sa|gcp|gcloud|google|gke|gcs|firebase|bigquery)[-_]?key)$"
    r"|(?:^|[-_.])(?:gcp|gcloud|google|gke|sa|firebase)[-_](?:key|creds?)(?:[-_.]|$)"
)
_DOTENV_VARIANT = re.compile(r"(?i)^\.env\.[a-z0-9_-]+$")


def _public_or_template(name: str) -> bool:
    stem = name
    return bool(_TEMPLATE_SUFFIX.search(stem) or _TEMPLATE_PREFIX.match(stem) or stem.endswith(".pub"))


def kind_of_name(path: str, *, is_source: bool,
                 tools: frozenset[str] | Callable[[], frozenset[str]] = frozenset()) -> CredentialKind | None:
    """Credential kind of a file path (context-relative source or absolute destination).
    ``tools``: the words of the Dockerfile's commands, or a function giving them (asked only
    for names that are credentials only when a tool reads them)."""
    kind = _kind_of_name(path, is_source)
    if type(kind) is tuple:  # a name that is a credential only when the Dockerfile uses the tool
        kind, needs = kind
        words = tools() if callable(tools) else tools
        return kind if words & set(needs) else None
    return kind


# The names _IN_DIR makes credentials in some parent directory.
_IN_DIR_NAMES = frozenset(name for _, name in _IN_DIR)


@lru_cache(maxsize=4096)
def destination_may_be_credential(name: str) -> bool:
    """False when no path ending in file ``name`` is a credential destination:
    ``kind_of_name(path, is_source=False)`` is None whatever the directories before it. Of the
    parent directory, _kind_of_name looks only for `.ssh` (which gives None) and the _IN_DIR pairs;
    the rest of its verdict depends on the name alone."""
    return name.lower() in _IN_DIR_NAMES or _kind_of_name(name, False) is not None


def source_may_be_credential(path: str) -> bool:
    """False when ``kind_of_name(path, is_source=True)`` is None whatever the tools."""
    return _kind_of_name(path, True) is not None


@lru_cache(maxsize=4096)  # a pure function of its arguments, asked the same names for every file
def _kind_of_name(path: str, is_source: bool) -> CredentialKind | tuple | None:
    path = path.rstrip("/")
    name = posixpath.basename(path)
    if not name or name in (".", ".."):
        return None
    lower = name.lower()
    parent = posixpath.basename(posixpath.dirname(path)).lower()
    if _SSH_NAMES.match(lower) or parent == ".ssh" or lower.endswith(".pub"):
        return None
    if (parent, lower) in _IN_DIR:
        return _IN_DIR[(parent, lower)]
    if lower in _EXACT:
        return _EXACT[lower]
    if lower in _GENERIC:
        return _GENERIC[lower]  # (kind, tools): kind_of_name decides
    if _public_or_template(lower):
        return None
    if _DOTENV_VARIANT.match(lower) and lower not in (".env.local.example",):
        return DOTENV
    if is_source:
        for base, kind in _QUALIFIABLE.items():
            bare = base.lstrip(".")
            if re.fullmatch(rf"\.?{re.escape(bare)}[.\-_][a-z0-9_.-]+|[a-z0-9_-]+[.\-_]\.?{re.escape(bare)}", lower):
                return kind
    stem, ext = posixpath.splitext(lower)
    if ext == ".kubeconfig":
        return KUBECONFIG
    if ext in (".p12", ".pfx", ".jks", ".keystore", ".bcfks"):
        return None if _TRUST.search(stem) else KEYSTORE
    if ext == ".key":
        return None if _PUBLIC_KEY.search(stem) else PRIVATE_KEY
    if ext == ".pem":
        if _CERT.search(stem) and not re.search(r"(?i)priv|(?:^|[.\-_])key(?:[.\-_]|$)", stem):
            return None
        if not _KEY_HINT.search(stem):
            return None
        return PRIVATE_KEY
    if ext == ".json" and _SA_JSON.search(stem):
        return SERVICE_ACCOUNT
    return None


# --------------------------------------------------------------------------- content

_REF = re.compile(r"^[\"']?(?:\$\{[A-Za-z_][A-Za-z0-9_.]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%)[\"']?$")
_PLACEHOLDER = re.compile(r"(?i)^[\"']?(?:|<[^>]*>|x+|\*+|\.+|changeme|change-me|placeholder|redacted|todo|"
                          r"your[-_a-z0-9]*|none|null|empty)[\"']?$")
_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$", re.M)


@dataclass(frozen=True)
class Content:
    verdict: str  # "secret" | "template" | "plain"
    literal_kinds: tuple[str, ...] = ()  # kinds of literal credentials found (for the message)
    masked: tuple[str, ...] = ()  # the literals, masked (`npm_****`): safe to print
    variables: tuple[str, ...] = ()  # variables a template reads


def _values(kind: CredentialKind, text: str) -> list[str] | None:
    if kind is DOTENV:
        out = []
        for m in _DOTENV_LINE.finditer(text):
            name, value = m.group(1), m.group(2)
            if classify_name(name, value) is not None:
                out.append(value)
        return out
    if kind.fields is None:
        return None
    return [m.group(1).strip() for m in kind.fields.finditer(text)]


def inspect_content(kind: CredentialKind, text: str) -> Content:
    """Judge a credential file's content (see the module docstring)."""
    found = find_credential_literals(text)
    literals = tuple(sorted({c.kind for c in found}))
    masked = tuple(dict.fromkeys(c.masked for c in found))
    values = _values(kind, text)
    if values is None:  # the whole file is the credential (key stores, master passwords)
        return Content("secret", literals, masked=masked)
    values = [v for v in values if not _PLACEHOLDER.match(v)]
    if not values:
        return Content("secret", literals, masked=masked) if literals else Content("plain")
    refs = [v for v in values if _REF.match(v)]
    if len(refs) == len(values) and not literals:
        names = tuple(sorted({re.sub(r"[\"'${}%]", "", r) for r in refs}))
        return Content("template", variables=names)
    return Content("secret", literals, masked=masked)
