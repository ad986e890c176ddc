"""Which ARG/ENV names hold secrets, and which literal strings are credentials.

Name classification (``classify_name``) is a word-based decision procedure, not
one regular expression:

1. User policy first: a name matching ``ignore_names`` is never secret; one
   matching ``extra_names`` is secret (kind ``custom``).
2. Special shapes: Bundler host credentials ``BUNDLE_<HOST>`` (``__`` for dots,
   e.g. ``BUNDLE_GITHUB__COM``; settings such as ``BUNDLE_PATH`` have no
   ``__``), ``ID_RSA``-style key names, ``*_ACCESS_KEY_ID`` (half of an
   S3/AWS key pair, so treated as a credential although it is an id), Vault
   AppRole ``*_SECRET_ID``, ``DOCKER_AUTH_CONFIG``.
3. Credentialed-URL names (``PIP_INDEX_URL``, ``PIP_EXTRA_INDEX_URL``,
   ``UV_INDEX_URL``, ``UV_INDEX``, ``POETRY_REPOSITORIES_*_URL``,
   ``NPM_CONFIG_REGISTRY``, ``GOPROXY``, ``DATABASE_URL`` and other database
   URLs/DSNs, ``*_REPO_URL``...) are secret when they have no literal default
   (the caller supplies the value and in practice it carries credentials: no
   default, an empty one, or one that is only a ``$VAR`` reference) or when the
   default carries ``user:pass@``/``token@`` (literal or ``${VAR}``). A plain
   URL default is a mirror, not a secret. Any other name whose default carries
   URL credentials is secret too.
4. Words: the name is split on ``_ - .``, digits and camelCase boundaries.
   *Strong* roots count even glued to other words (``THEPASSWORD``,
   ``dbpassword``, ``GitHubToken``): PASSWORD, PASSWD, PWORD, PASSPHRASE,
   SECRET, TOKEN, CREDENTIAL(S), APIKEY, PRIVATEKEY (not TOKENIZER,
   PASSWORDLESS, SECRETARY). *Weak* words count only as whole words and in
   context: ``PASS``/``PW``/``PWD``/``JWT`` as the last word (``PWD`` alone is
   the shell's working directory), ``PAT``/``PSW``/``BEARER``/``CREDS``
   anywhere, ``AUTH`` as the last word unless it reads as a switch
   (``ENABLE_AUTH``) or has a boolean default, ``KEY`` after a key-ish word
   (API, PRIVATE, SECRET, ACCESS, MASTER, SSH, SIGNING, ENCRYPTION, LICENSE,
   AUTH, APP, ...) or as the last word of a ``<VENDOR>_KEY`` name
   (``STRIPE_KEY``, ``KAGGLE_KEY``) except after GPG/PGP/APT/SSL/TLS/CERT/SITE/
   SORT/CACHE/... (``GPG_KEY`` is a fingerprint, ``SSL_CERT_KEY`` a path).
5. Neutralizers: a pointer/metadata word *after the last secret word*
   (FILE, PATH, DIR, VERSION, LENGTH, MIN/MAX, ENABLED, REQUIRED, TYPE, MODE,
   METHOD, NAME, ID, ARN, REF, URL, HOST, PORT, TTL, EXPIRY, HEADER, PREFIX,
   ...), PUBLIC/PUBLISHABLE anywhere, a switch verb first (ENABLE_, USE_,
   SKIP_, NO_...), and LLM counting words for TOKEN(S) (``MAX_TOKENS``,
   ``TOKENS_PER_MINUTE``) make the name not secret. So ``POSTGRES_PASSWORD``
   is secret, ``POSTGRES_PASSWORD_FILE`` is not; ``KEYSTORE_FILE_PASSWORD`` is.

Kinds: password, token, api-key, private-key, cloud-credential (any secret
word next to AWS/AZURE/GCP/... or an access key), url-credential, auth-config
(credential blobs: COMPOSER_AUTH, BUNDLE_<HOST>, NETRC, *_CREDENTIALS), secret
(shared secrets and symmetric keys: JWT_SECRET, SECRET_KEY_BASE, MASTER_KEY,
ENCRYPTION_KEY, SIGNING_KEY) and custom (policy).

Deliberate choices: ``LICENSE_KEY`` is secret (a paid, abusable credential);
``AWS_ACCESS_KEY_ID`` is secret; ``GOOGLE_APPLICATION_CREDENTIALS`` is not (by
convention it holds a file path; ``..._JSON`` holds the content);
``SENTRY_DSN`` is not (Sentry documents DSNs as safe to expose); a bare ``KEY``
and ``AUTH`` are secret (as BuildKit has it).

Literal credentials (``find_credential_literals``) are found by vendor token
shapes (GitHub, GitLab, AWS, Stripe live and test keys, Slack, npm, Google,
JWT, Hugging Face, OpenAI, Docker Hub, PyPI, PEM private-key blocks), by
context (``aws_secret_access_key = <40 chars>``, npmrc ``_authToken=``) and by
URL userinfo (``https://user:pass@host``; a ``$VAR`` password is a reference,
not a literal). Placeholders (``<token>``, ``xxx``, ``changeme``, ``your_*``,
AWS's documented ``...EXAMPLE`` keys, ``${VAR}``) are not reported. Masks never
show more than 4 characters of a secret body; most show none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .memo import same_text_memo

__all__ = [
    "SecretPolicy",
    "DEFAULT_POLICY",
    "NameVerdict",
    "classify_name",
    "is_secret_name",
    "CredentialLiteral",
    "find_credential_literals",
    "scan_credential_literals",
    "mask_value",
    "shows_as_masked",
    "has_url_credentials",
    "url_credential_refs",
    "split_words",
    "NAME_KINDS",
    "LITERAL_KINDS",
]

NAME_KINDS = (
    "password", "token", "api-key", "private-key", "cloud-credential",
    "url-credential", "auth-config", "secret", "custom",
)


# --------------------------------------------------------------------------- policy


@dataclass(frozen=True)
class SecretPolicy:
    extra_names: tuple[str, ...] = ()  # regexes (full match, case-insensitive) of names that ARE secret
    ignore_names: tuple[str, ...] = ()  # regexes of names that are NEVER secret (wins over extra_names)
    extra_value_patterns: tuple[tuple[str, str], ...] = ()  # (kind, regex) literal credential patterns
    ignore_value_kinds: tuple[str, ...] = ()  # literal kinds to switch off

    def __post_init__(self) -> None:  # accept lists from config loaders; stay hashable
        object.__setattr__(self, "extra_names", tuple(self.extra_names))
        object.__setattr__(self, "ignore_names", tuple(self.ignore_names))
        object.__setattr__(self, "extra_value_patterns",
                           tuple((str(k), str(r)) for k, r in self.extra_value_patterns))
        object.__setattr__(self, "ignore_value_kinds", tuple(self.ignore_value_kinds))

    def __hash__(self) -> int:
        # The verdict caches hash the policy on every lookup: the hash of its fields (as a frozen
        # dataclass has it), computed once.
        try:
            return self._hash  # type: ignore[attr-defined]
        except AttributeError:
            h = hash((self.extra_names, self.ignore_names, self.extra_value_patterns, self.ignore_value_kinds))
            object.__setattr__(self, "_hash", h)
            return h

    def __getstate__(self) -> dict:
        # Another process hashes strings differently: a pickle carries the fields only.
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}


DEFAULT_POLICY = SecretPolicy()


def _compile(pattern: str, what: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"invalid regex in {what}: {pattern!r}: {exc}") from None


@lru_cache(maxsize=64)
def _compiled_names(policy: SecretPolicy):
    extra = tuple((p, _compile(p, "extra_names")) for p in policy.extra_names)
    ignore = tuple(_compile(p, "ignore_names") for p in policy.ignore_names)
    return extra, ignore


@lru_cache(maxsize=64)
def _compiled_values(policy: SecretPolicy):
    extra = []
    for kind, pattern in policy.extra_value_patterns:
        try:
            extra.append((kind, re.compile(pattern)))
        except re.error as exc:
            raise ValueError(f"invalid regex in extra_value_patterns ({kind}): {pattern!r}: {exc}") from None
    return tuple(extra), frozenset(policy.ignore_value_kinds)


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class NameVerdict:
    name: str
    reason: str  # "name contains PASSWORD", "credentialed URL variable without default", ...
    kind: str  # one of NAME_KINDS


_SEGMENT_RX = re.compile(r"[A-Za-z0-9]+")
_CAMEL_RX = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")
_TRAILING_DIGITS_RX = re.compile(r"[0-9]+$")


def split_words(name: str) -> tuple[str, ...]:
    """Upper-case words of a variable name.

    Split on anything but letters and digits, then camelCase segments at case changes
    (dropping their digits). A single-case segment stays one word without trailing digits,
    so ``K8S``/``I18N`` stay whole and ``TOKEN2`` is ``TOKEN``:
    ``dbPassword`` -> ('DB', 'PASSWORD'); ``K8S_GUEST_TOKEN`` -> ('K8S', 'GUEST', 'TOKEN').
    """
    words: list[str] = []
    for seg in _SEGMENT_RX.findall(name):
        if seg.isupper() or seg.islower() or not any(c.isalpha() for c in seg):
            w = _TRAILING_DIGITS_RX.sub("", seg).upper()
            if w:
                words.append(w)
        else:
            words.extend(w.upper() for w in _CAMEL_RX.findall(seg))
    return tuple(words)


# Strong roots, matched inside words (glued), with guards against look-alikes.
_STRONG_RX = re.compile(
    r"PASSWORD(?!LESS)|PASSWD|PASSPHRASE|PWORD|SECRET(?!AR)|TOKEN(?!I[SZ])|CREDENTIAL|APIKEY|PRIVATEKEY"
    r"|(?:ACCESS|SECRET|MASTER|SSH|DEPLOY|SIGNING|ENCRYPTION|LICENSE)KEY$"
)
_STRONG_KIND = {
    "PASSWORD": "password", "PASSWD": "password", "PASSPHRASE": "password", "PWORD": "password",
    "SECRET": "secret", "TOKEN": "token", "CREDENTIAL": "auth-config", "APIKEY": "api-key",
    "PRIVATEKEY": "private-key", "ACCESSKEY": "cloud-credential", "SECRETKEY": "secret",
    "MASTERKEY": "secret", "SSHKEY": "private-key", "DEPLOYKEY": "private-key",
    "SIGNINGKEY": "secret", "ENCRYPTIONKEY": "secret", "LICENSEKEY": "api-key",
}

# KEY after one of these is a secret key wherever it stands (value: kind).
_KEY_STRONG_PREV = {
    **dict.fromkeys(["PRIVATE", "PRIV", "PRV", "SSH", "RSA", "DSA", "ECDSA", "DEPLOY"], "private-key"),
    **dict.fromkeys(["SECRET", "MASTER", "SIGNING", "SIGN", "ENCRYPTION", "ENCRYPT", "DECRYPTION",
                     "DECRYPT", "ENC", "CRYPT", "CRYPTO", "SESSION", "COOKIE", "HMAC", "AES",
                     "CIPHER", "APP", "SHARED"], "secret"),
    "ACCESS": "cloud-credential",
    **dict.fromkeys(["API", "LICENSE", "LICENCE", "AUTH", "ACCOUNT", "SUBSCRIPTION", "CLIENT",
                     "SERVICE", "ADMIN"], "api-key"),
}
# KEY/KEYS as the last word after one of these is not a secret.
_KEY_DENY_PREV = frozenset(
    """GPG PGP GNUPG PUBLIC PUBLISHABLE PUB APT SORT CACHE PARTITION PRIMARY FOREIGN ROUTING
    LOOKUP HOT SHORTCUT PROJECT OBJECT MAP TRANSLATION I18N L10N LOCALE CONFIG SSL TLS CERT HTTPS SITE
    HASH RANGE SHARD UNIQUE IDEMPOTENCY DEDUP AUTHORIZED TRUSTED KNOWN SIGNED""".split()
)
_PASS_DENY_PREV = frozenset(
    "BY HIGH LOW BAND MULTI SINGLE FIRST SECOND THIRD ONE TWO NUM MAX MIN LAST NO SKIP".split()
)
_GLUED_PASS_DENY = frozenset(
    """BYPASS COMPASS ENCOMPASS SURPASS TRESPASS OVERPASS UNDERPASS HIGHPASS LOWPASS BANDPASS
    MULTIPASS ONEPASS TWOPASS SINGLEPASS FIRSTPASS SECONDPASS KEEPASS""".split()
)
_PWD_DENY_PREV = frozenset(
    """OLD CURRENT CUR ORIG ORIGINAL SAVED SAVE INITIAL INIT START PREV PREVIOUS HOST BUILD WORK
    CWD LOCAL PROJECT REPO HOME BASE""".split()
)
_AUTH_DENY_PREV = frozenset(
    """ENABLE ENABLED DISABLE DISABLED USE REQUIRE REQUIRED SKIP NO WITH WITHOUT ALLOW FORCE HAS
    IS NEED NEEDS OPTIONAL ANONYMOUS ANON BYPASS OIDC SAML SSO KERBEROS MFA TWO MULTI""".split()
)
# After the last secret word: the variable points at or describes a secret.
_AFTER_QUALIFIERS = frozenset(
    """FILE FILES FILENAME PATH PATHS DIR DIRS DIRECTORY FOLDER LOCATION VERSION VERSIONS VER
    LENGTH LEN SIZE MIN MAX LIMIT COUNT ENABLED ENABLE DISABLED DISABLE REQUIRED OPTIONAL POLICY
    REGEX PATTERN TTL TIMEOUT EXPIRY EXPIRE EXPIRES EXPIRATION LIFETIME DURATION AGE INTERVAL
    ROTATION RESET COMPLEXITY STRENGTH ALGORITHM ALGORITHMS ALG ALGO METHOD TYPE MODE FORMAT
    HEADER PREFIX NAME NAMES ID IDS ARN REF URL URI ENDPOINT HOST PORT SERVER PROVIDER MANAGER
    BACKEND HELPER PROMPT FIELD PARAM VAR ENV SOURCE SRC SCOPE SCOPES AUDIENCE ISSUER LABEL
    STORE COMMAND CMD SCRIPT PUB""".split()
)
_PUBLIC_WORDS = frozenset({"PUBLIC", "PUBLISHABLE"})
_SWITCH_FIRST = frozenset(
    """ENABLE ENABLED DISABLE DISABLED USE SKIP NO REQUIRE ALLOW FORCE IS HAS SHOW HIDE CHECK
    VALIDATE VERIFY GENERATE ROTATE""".split()
)
# Anywhere in the name: a switch about a secret (MYSQL_ALLOW_EMPTY_PASSWORD=yes), not a secret.
_SWITCH_ANYWHERE = frozenset({"ALLOW", "EMPTY", "RANDOM"})
_TOKEN_COUNT_WORDS = frozenset(
    "MAX MIN NUM NUMBER PER TOTAL LIMIT COUNT BUDGET CONTEXT COMPLETION".split()
)
_CLOUD_WORDS = frozenset(
    """AWS AZURE ARM GCP GCLOUD GOOGLE GCS AMAZON ALIYUN ALIBABA ALICLOUD DIGITALOCEAN SPACES OCI
    MINIO""".split()
)
_CLOUD_NORM_RX = re.compile(r"(?:^|_)(?:S3|R2|B2)(?:_|$)", re.IGNORECASE)
_BOOLEAN_VALUES = frozenset("true false yes no on off enabled disabled none 0 1".split())

# Credentialed-URL names (normalized: upper case, '-' and '.' -> '_').
_URL_NAME_RX = re.compile(
    r"""(?x)
    (?:(?:PIP|UV|PYPI|PYTHON|PACKAGE|PKG)_)?(?:EXTRA_)?INDEX_URL | [A-Z0-9_]+_PYPI_(?:EXTRA_)?INDEX_URL
    | UV_(?:DEFAULT_)?INDEX
    | POETRY_REPOSITORIES_[A-Z0-9_]+_URL
    | NPM_CONFIG_REGISTRY | NPM_REGISTRY(?:_URL)? | YARN_(?:NPM_)?REGISTRY(?:_SERVER)?
    | GOPROXY
    | (?:[A-Z0-9_]+_)?(?:DATABASE|DB|MONGO|MONGODB|REDIS|POSTGRES|POSTGRESQL|PG|MYSQL|MARIADB
                        |AMQP|RABBITMQ|BROKER)_(?:URL|URI|DSN)
    | (?:[A-Z0-9_]+_)?(?:CONNECTION_STRING|CONN_STR|CONNSTR)
    | (?:[A-Z0-9_]+_)?(?:REPO|REPOSITORY|GIT)_URL | GIT_REPO(?:SITORY)?
    """
)
# Bundler maps '.' to '__' and '-' to '___' in host names.
_BUNDLE_HOST_RX = re.compile(r"BUNDLE_(?!(?:BUILD|MIRROR|LOCAL)__)[A-Z0-9]+(?:_{2,3}[A-Z0-9]+)+")
_ID_KEY_RX = re.compile(r"(?:^|_)ID_(?:RSA|DSA|ECDSA|ED25519)(?:_|$)")
_AUTH_CONFIG_NAMES = frozenset(
    {"DOCKER_AUTH_CONFIG", "DOCKERCONFIGJSON", "DOCKER_CONFIG_JSON", "NETRC", "NPMRC", "PYPIRC"}
)
_POINTER_NAMES = frozenset({"GOOGLE_APPLICATION_CREDENTIALS", "PWD", "OLDPWD"})
_REF_ONLY_RX = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+-][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)")
_PURE_REF_RX = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def _unquote(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        v = v[1:-1].strip()
    return v


def _head(words: tuple[str, ...], i: int, default: str | None):
    """(kind, label) if words[i] is a secret word in its context, else None."""
    w = words[i]
    n = len(words)
    prev = words[i - 1] if i else None
    last = i == n - 1
    m = _STRONG_RX.search(w)
    if m:
        root = m.group(0)
        if root == "TOKEN" and (_TOKEN_COUNT_WORDS & set(words)):
            return None
        return _STRONG_KIND[root], root
    if w in ("KEY", "KEYS"):
        if prev in _KEY_STRONG_PREV:
            if prev == "ACCESS" and i >= 2 and words[i - 2] == "SECRET":
                return "cloud-credential", f"SECRET_ACCESS_{w}"
            return _KEY_STRONG_PREV[prev], f"{prev}_{w}"
        if last and prev not in _KEY_DENY_PREV:
            return "api-key", (f"{prev}_{w}" if prev else w)
        return None
    if w == "PASS":
        return ("password", "PASS") if last and prev not in _PASS_DENY_PREV else None
    if w.endswith("PASS") and len(w) > 4 and w not in _GLUED_PASS_DENY:
        return "password", "PASS"
    if w == "PWD":
        return ("password", "PWD") if last and n > 1 and prev not in _PWD_DENY_PREV else None
    if w.endswith("PWD") and len(w) > 3 and w != "OLDPWD":
        return "password", "PWD"
    if w == "PW":
        return ("password", "PW") if last and n > 1 else None
    if w == "PSW":
        return "password", "PSW"
    if w == "PAT":
        return "token", "PAT"
    if w == "JWT":
        return ("token", "JWT") if last else None
    if w == "BEARER":
        return "token", "BEARER"
    if w in ("CRED", "CREDS"):
        return "auth-config", w
    if w in ("NETRC", "NPMRC", "PYPIRC"):
        return "auth-config", w
    if w == "AUTH" and not last and words[i + 1] == "IDENT" and i + 2 == n:
        return "auth-config", "AUTH_IDENT"  # YARN_NPM_AUTH_IDENT: user:password
    if w == "COOKIE" and last and prev == "ERLANG":
        return "secret", "ERLANG_COOKIE"
    if w == "AUTH":
        if not last or prev in _AUTH_DENY_PREV:
            return None
        if default is not None and _unquote(default).lower() in _BOOLEAN_VALUES:
            return None
        return "auth-config", "AUTH"
    return None


_LABEL_HINT = {
    "PASS": "password", "PWD": "password", "PW": "password", "PSW": "Jenkins password",
    "PAT": "personal access token", "JWT": "token", "AUTH": "credential", "CRED": "credential",
    "CREDS": "credentials", "BEARER": "token",
}


def _reason(label: str, kind: str) -> str:
    hint = _LABEL_HINT.get(label)
    if hint is None and label.endswith(("KEY", "KEYS")) and kind == "api-key" and not label.startswith("API"):
        hint = "API-style key"
    return f"name contains {label}" + (f" ({hint})" if hint else "")


def _is_url_name(norm: str) -> bool:
    return bool(_URL_NAME_RX.fullmatch(norm)) and not norm.startswith("SENTRY_")


def _default_verdict(name: str, norm: str, default: str | None) -> tuple[bool, NameVerdict | None]:
    """URL rules: (decided, verdict). Credentialed-URL names are decided here."""
    value = _unquote(default) if default is not None else ""
    if value and "@" in value and "://" in value:
        literal = has_url_credentials(value)
        refs = url_credential_refs(value)
        if literal or refs:
            how = f" from ${refs[0]}" if refs and not literal else ""
            return True, NameVerdict(name, f"value carries URL credentials{how} (user:pass@host)", "url-credential")
    if not _is_url_name(norm):
        return False, None
    if not value or _REF_ONLY_RX.fullmatch(value):
        return True, NameVerdict(name, "credentialed URL variable without a literal default "
                                       "(the caller supplies the URL and its credentials)", "url-credential")
    return True, None  # a plain URL without userinfo: a mirror, not a secret


def _word_verdict(name: str, norm: str, default: str | None) -> NameVerdict | None:
    words = split_words(name)
    if not words:
        return None
    wset = set(words)
    if _PUBLIC_WORDS & wset:
        return None
    if _ID_KEY_RX.search(norm) and "PUB" not in wset:
        return NameVerdict(name, "name is an SSH private key file name (ID_RSA...)", "private-key")
    if words[-3:] == ("ACCESS", "KEY", "ID"):
        return NameVerdict(name, "name is an access key id (half of an access-key credential pair)",
                           "cloud-credential")
    if words[-2:] == ("SECRET", "ID") and ({"VAULT", "APPROLE"} & wset):
        return NameVerdict(name, "name is a Vault AppRole secret id (a credential)", "token")
    if (words[0] in _SWITCH_FIRST and len(words) > 1) or (_SWITCH_ANYWHERE & wset):
        return None
    last_head = -1
    found = None
    for i in range(len(words)):
        h = _head(words, i, default)
        if h is not None:
            last_head, found = i, h
    if found is None:
        return None
    if any(w in _AFTER_QUALIFIERS for w in words[last_head + 1:]):
        return None
    kind, label = found
    if kind not in ("password", "private-key") and label not in ("APIKEY", "API_KEY", "API_KEYS") \
            and (_CLOUD_WORDS & wset or _CLOUD_NORM_RX.search(norm)):
        kind = "cloud-credential"
    return NameVerdict(name, _reason(label, kind), kind)


@lru_cache(maxsize=65536)
def _classify(name: str, default: str | None, policy: SecretPolicy) -> NameVerdict | None:
    extra, ignore = _compiled_names(policy)
    if any(rx.fullmatch(name) for rx in ignore):
        return None
    for pattern, rx in extra:
        if rx.fullmatch(name):
            return NameVerdict(name, f"name matches configured secret pattern {pattern!r}", "custom")
    norm = name.upper().replace("-", "_").replace(".", "_")
    if norm in _POINTER_NAMES:
        if norm == "GOOGLE_APPLICATION_CREDENTIALS" and default and _unquote(default).startswith("{"):
            return NameVerdict(name, "name holds a service-account key (JSON content)", "cloud-credential")
        return None
    if _BUNDLE_HOST_RX.fullmatch(norm):
        return NameVerdict(name, "Bundler host credential (BUNDLE_<HOST>)", "auth-config")
    if norm in _AUTH_CONFIG_NAMES:
        return NameVerdict(name, f"name is {norm} (registry/auth configuration content)", "auth-config")
    if _is_url_name(norm):
        return _default_verdict(name, norm, default)[1]
    verdict = _word_verdict(name, norm, default)
    if verdict is not None:
        return verdict
    return _default_verdict(name, norm, default)[1]


def classify_name(name: str, default: str | None = None, policy: SecretPolicy = DEFAULT_POLICY) -> NameVerdict | None:
    """Verdict if the ARG/ENV ``name`` (with optional default/value text) holds a secret, else None."""
    if not name:
        return None
    return _classify(name.strip(), default, policy)


def is_secret_name(name: str, default: str | None = None, policy: SecretPolicy = DEFAULT_POLICY) -> bool:
    return classify_name(name, default, policy) is not None


# --------------------------------------------------------------------------- URLs

_URL_AUTH_RX = re.compile(r"://([^\s/?#@\"'\\`]*)@")
_SCHEME_TAIL_RX = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*\Z")
_URL_REST_RX = re.compile(r"[^\s\"'\\`<>]*")
_VAR_RX = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%")
_HTTP_SCHEMES = frozenset({"http", "https", "git+https", "git+http", "hg+https", "svn+https"})
# userinfo parts that are well-known constants, not secrets
_CONSTANT_PARTS = frozenset(
    """x-oauth-basic x-access-token oauth2 oauth oauth2accesstoken git gitlab-ci-token __token__ bearer
    anonymous anon private-token x-token-auth aws _json_key _json_key_base64 _token""".split()
)
_PLAIN_USERNAMES = frozenset("git anonymous anon guest user username root admin".split())
_PLACEHOLDER_RX = re.compile(
    r"""(?ix)
    .*[<>].* | .*\{\{.*\}\}.* | \[.*\] | %s | \.\.\.+ | \*+ | x+ | \?+
    | change[-_.]?me | change[-_.]?it | placeholder | redacted | dummy | example | sample | todo | tbd
    | fixme | undefined | null | nil | none | token | pat | apikey | api[-_]key | access[-_]token
    | your[-_a-z0-9]* | my[-_]?(?:token|password|passwd|pass|secret|key|api[-_]?key)
    | .*EXAMPLE.*
    """
)


def _is_placeholder(part: str) -> bool:
    return bool(_PLACEHOLDER_RX.fullmatch(part)) or len(set(part.lower())) < 3


def _part_state(part: str) -> str:
    if not part:
        return "empty"
    if "$" in part or _VAR_RX.search(part):
        return "ref"
    if part.lower() in _CONSTANT_PARTS:
        return "const"
    if _is_placeholder(part):
        return "placeholder"
    return "literal"


@dataclass(frozen=True)
class _Userinfo:
    url_start: int
    url_end: int
    scheme: str
    info_start: int
    info_end: int
    user: str
    has_colon: bool
    password: str

    def secret_state(self) -> tuple[str, str] | None:
        """('password'|'user', state) of the part that holds a non-reference secret, or None."""
        pw_state = _part_state(self.password) if self.has_colon else "empty"
        if pw_state in ("literal", "placeholder"):
            return "password", pw_state
        if pw_state == "ref":
            return None
        # no usable password: the user part may be a token (https://TOKEN@host)
        user_state = _part_state(self.user)
        if user_state not in ("literal", "placeholder"):
            return None
        if self.scheme.lower() not in _HTTP_SCHEMES:
            return None
        if self.user.lower() in _PLAIN_USERNAMES:
            return None
        return "user", user_state


def _iter_userinfo(text: str):
    for m in _URL_AUTH_RX.finditer(text):
        info = m.group(1)
        if not info or info == ":":
            continue
        sm = _SCHEME_TAIL_RX.search(text, max(0, m.start() - 40), m.start())
        if sm is None:
            continue
        rest = _URL_REST_RX.match(text, m.end())
        end = rest.end() if rest else m.end()
        while end > m.end() and text[end - 1] in ")}],;.":
            end -= 1
        user, colon, password = info.partition(":")
        yield _Userinfo(sm.start(), end, sm.group(0), m.start(1), m.end(1), user, bool(colon), password)


def has_url_credentials(value: str) -> bool:
    """True if a URL in ``value`` carries credentials in its userinfo that are not ``$VAR`` references.

    ``https://user:pass@host`` and ``https://TOKEN@host`` count (placeholders included: this is a
    shape check); ``https://user:${PASS}@host``, ``https://${TOKEN}@host``,
    ``https://x-access-token:${T}@host``, ``ssh://git@host`` and ``postgres://app@db`` do not.
    """
    if not value or "@" not in value or "://" not in value:
        return False
    return any(u.secret_state() is not None for u in _iter_userinfo(value))


def url_credential_refs(value: str) -> list[str]:
    """Variable names used in URL userinfo: ``https://${USER}:$TOKEN@h`` -> ['USER', 'TOKEN']."""
    out: list[str] = []
    if not value or "@" not in value or "://" not in value:
        return out
    for u in _iter_userinfo(value):
        for part in (u.user, u.password):
            for m in _VAR_RX.finditer(part):
                var = m.group(1) or m.group(2)
                if var not in out:
                    out.append(var)
    return out


def _mask_url(text: str, u: _Userinfo) -> str:
    state = u.secret_state()
    if state is None:
        return text[u.url_start:u.url_end]
    part, _ = state
    if part == "password":
        info = f"{u.user}:****"
    else:
        info = "****" + (f":{u.password}" if u.has_colon else "")
    return f"{text[u.url_start:u.info_start]}{info}{text[u.info_end:u.url_end]}"


# --------------------------------------------------------------------------- literals


@dataclass(frozen=True)
class CredentialLiteral:
    start: int
    end: int  # span in the searched text
    kind: str
    masked: str  # safe to print


# (kind, regex, trigger substrings). Order = priority when spans overlap. Group "p" is the
# non-secret prefix kept in the mask, group "b" the secret body.
_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (k, re.compile(r), t) for k, r, t in (
        ("github-token", r"(?<![A-Za-z0-9_])(?P<p>gh[pousr]_)(?P<b>[A-Za-z0-9]{36,255})(?![A-Za-z0-9_])",
         ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
        ("github-token", r"(?<![A-Za-z0-9_])(?P<p>github_pat_)(?P<b>[A-Za-z0-9_]{30,255})(?![A-Za-z0-9_])",
         ("github_pat_",)),
        ("gitlab-token", r"(?<![A-Za-z0-9_-])(?P<p>glpat-)(?P<b>[A-Za-z0-9_-]{20,})", ("glpat-",)),
        ("aws-access-key-id", r"(?<![A-Za-z0-9])(?P<p>AKIA|ASIA)(?P<b>[A-Z0-9]{16})(?![A-Za-z0-9])",
         ("AKIA", "ASIA")),
        ("stripe-live-key", r"(?<![A-Za-z0-9_])(?P<p>[sr]k_live_)(?P<b>[A-Za-z0-9]{10,})", ("k_live_",)),
        ("stripe-test-key", r"(?<![A-Za-z0-9_])(?P<p>[sr]k_test_)(?P<b>[A-Za-z0-9]{10,})", ("k_test_",)),
        ("slack-token", r"(?<![A-Za-z0-9_-])(?P<p>xox[abposr]-)(?P<b>[A-Za-z0-9-]{10,})", ("xox",)),
        ("npm-token", r"(?<![A-Za-z0-9_])(?P<p>npm_)(?P<b>[A-Za-z0-9]{36})(?![A-Za-z0-9_])", ("npm_",)),
        ("google-api-key", r"(?<![A-Za-z0-9_-])(?P<p>AIza)(?P<b>[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])", ("AIza",)),
        ("huggingface-token", r"(?<![A-Za-z0-9_])(?P<p>hf_)(?P<b>[A-Za-z0-9]{30,})(?![A-Za-z0-9_])", ("hf_",)),
        ("anthropic-api-key", r"(?<![A-Za-z0-9_-])(?P<p>sk-ant-)(?P<b>[A-Za-z0-9_-]{40,})", ("sk-ant-",)),
        ("openai-api-key", r"(?<![A-Za-z0-9_-])(?P<p>sk-(?:proj-|svcacct-|admin-)?)"
                           r"(?P<b>[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})", ("T3BlbkFJ",)),
        ("openai-api-key", r"(?<![A-Za-z0-9_-])(?P<p>sk-proj-)(?P<b>[A-Za-z0-9_-]{40,})", ("sk-proj-",)),
        ("dockerhub-token", r"(?<![A-Za-z0-9_])(?P<p>dckr_pat_)(?P<b>[A-Za-z0-9_-]{20,})", ("dckr_pat_",)),
        ("pypi-token", r"(?<![A-Za-z0-9_-])(?P<p>pypi-)(?P<b>AgE[A-Za-z0-9_-]{50,})", ("pypi-AgE",)),
        ("jwt", r"(?<![A-Za-z0-9_-])(?P<p>eyJ)(?P<b>[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)",
         ("eyJ",)),
    )
)
_PEM_BEGIN_RX = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
# Contextual: key then value; group "v" is the secret.
_CONTEXT_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("aws-secret-access-key", re.compile(
        r"(?i)(?<![A-Za-z0-9])(?:aws_?)?secret_?access_?key[\"']?\s*(?:[:=]|\s)\s*[\"']?"
        r"(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
     ("ecret_access_key", "ECRET_ACCESS_KEY", "ecretAccessKey", "ecretaccesskey", "ECRETACCESSKEY")),
    ("npmrc-auth-token", re.compile(
        r"(?<![A-Za-z0-9])_authToken[\"']?(?:\s*=\s*|\s+)[\"']?(?P<v>[^\s\"'\\;&|)]+)"), ("_authToken",)),
    ("npmrc-auth", re.compile(
        r"(?<![A-Za-z0-9])_auth[\"']?(?:\s*=\s*|\s+)[\"']?(?P<v>[^\s\"'\\;&|)]+)"), ("_auth",)),
    ("npmrc-password", re.compile(
        r"(?<=:)_password[\"']?(?:\s*=\s*|\s+)[\"']?(?P<v>[^\s\"'\\;&|)]+)"), (":_password",)),
)
_TOKEN_TRIGGERS = frozenset(t for _, _, ts in _TOKEN_PATTERNS for t in ts)
_CONTEXT_TRIGGERS = frozenset(t for _, _, ts in _CONTEXT_PATTERNS for t in ts)
_TRIGGERS = tuple(dict.fromkeys(
    [t for _, _, ts in _TOKEN_PATTERNS for t in ts] + [t for _, _, ts in _CONTEXT_PATTERNS for t in ts]
    + ["-----BEGIN", "://"]
))


def _grouped_triggers(keys: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each trigger under the first of ``keys`` it contains (under itself when none): a text
    without a key holds none of its group's triggers, so one scan rules the group out."""
    groups: dict[str, list[str]] = {}
    for t in _TRIGGERS:
        groups.setdefault(next((k for k in keys if k in t), t), []).append(t)
    return tuple((k, tuple(ts)) for k, ts in groups.items())


_TRIGGER_GROUPS = _grouped_triggers(("gh", "IA", "k_", "sk-", "ecret", "ECRET", "_auth"))
LITERAL_KINDS = tuple(dict.fromkeys(
    [k for k, _, _ in _TOKEN_PATTERNS] + ["pem-private-key"] + [k for k, _, _ in _CONTEXT_PATTERNS]
    + ["url-userinfo"]
))


def _body_is_placeholder(body: str) -> bool:
    return len(set(body.lower())) < 3 or "EXAMPLE" in body.upper() or body.lower().startswith("xxxx")


def _value_is_literal(value: str) -> bool:
    return bool(value) and "$" not in value and not _VAR_RX.search(value) and not _is_placeholder(value)


@same_text_memo  # the prefilter asks about a text, then about its logical view among these
def triggers_in(text: str) -> frozenset[str]:
    """The substrings a literal credential pattern needs (its triggers) that ``text`` holds."""
    return frozenset([t for key, group in _TRIGGER_GROUPS if key in text for t in group if t in text])


# (text, policy, among, answer): one tuple, read and replaced whole, so a reader never mixes two
# entries. The text is held: its id stays unique.
_LAST_LITERALS: list = [(None, None, None, ())]


def find_credential_literals(text: str, policy: SecretPolicy = DEFAULT_POLICY,
                             among: frozenset[str] | None = None) -> list[CredentialLiteral]:
    """Literal credentials in ``text`` (a Dockerfile, a RUN line, a value), in text order.
    ``among``: triggers the caller knows ``text`` holds no others of (see triggers_in).
    The answer for the last text *object* is remembered: the prefilter and DM103 ask about the same
    file (another file is another object, so nothing is answered from a content cache)."""
    last_text, last_policy, last_among, answer = _LAST_LITERALS[0]
    if text is last_text and policy is last_policy and among is last_among:
        return list(answer)
    found = scan_credential_literals(text, policy, among)
    _LAST_LITERALS[0] = (text, policy, among, tuple(found))
    return found


def scan_credential_literals(text: str, policy: SecretPolicy = DEFAULT_POLICY,
                             among: frozenset[str] | None = None) -> list[CredentialLiteral]:
    """find_credential_literals without its memo: for a value asked about once, which would
    otherwise push out the file the memo holds."""
    if not text:
        return []
    extra, ignored = _compiled_values(policy) if policy is not DEFAULT_POLICY else ((), frozenset())
    present = triggers_in(text) if among is None else frozenset([t for t in among if t in text])
    if not extra and not present:
        return []
    found: list[CredentialLiteral] = []

    def add(start: int, end: int, kind: str, masked: str) -> None:
        if kind in ignored:
            return
        for c in found:
            if start < c.end and c.start < end:
                return  # an earlier (more specific) pattern already covers it
        found.append(CredentialLiteral(start, end, kind, masked))

    # (A text without any token trigger skips every token pattern: most hold only `://`.)
    for kind, rx, triggers in _TOKEN_PATTERNS if not present.isdisjoint(_TOKEN_TRIGGERS) else ():
        if present.isdisjoint(triggers):
            continue
        for m in rx.finditer(text):
            if not _body_is_placeholder(m.group("b")):
                add(m.start(), m.end(), kind, m.group("p") + "****")
    if "-----BEGIN" in present:
        for m in _PEM_BEGIN_RX.finditer(text):
            end_marker = f"-----END {m.group(1)}-----"
            e = text.find(end_marker, m.end(), m.end() + 20000)
            end = e + len(end_marker) if e >= 0 else m.end()
            add(m.start(), end, "pem-private-key", m.group(0) + "****")
    for kind, rx, triggers in _CONTEXT_PATTERNS if not present.isdisjoint(_CONTEXT_TRIGGERS) else ():
        if present.isdisjoint(triggers):
            continue
        for m in rx.finditer(text):
            v = m.group("v")
            if _value_is_literal(v) and not _body_is_placeholder(v):
                add(m.start(), m.end(), kind, text[m.start():m.start("v")] + "****")
    if "://" in present and "@" in text:
        for u in _iter_userinfo(text):
            state = u.secret_state()
            if state is not None and state[1] == "literal":
                add(u.url_start, u.url_end, "url-userinfo", _mask_url(text, u))
    for kind, rx in extra:
        for m in rx.finditer(text):
            if m.end() > m.start():
                add(m.start(), m.end(), kind, mask_value(m.group(0)))
    found.sort(key=lambda c: (c.start, c.end))
    return found


def shows_as_masked(value: str) -> bool:
    """``mask_value(value) == value``, masking only when it can be: for a value without ``$`` (a
    reference is kept) and without a URL, every mask holds ``****`` (a token pattern's body there
    is never ``****``), so a value without ``****`` is not its mask."""
    if value and "****" not in value and "$" not in value and not ("://" in value and "@" in value):
        return False
    return mask_value(value) == value


def mask_value(value: str) -> str:
    """Printable stand-in for a secret value: at most 2 leading characters, or a masked URL/token.

    ``$VAR``/``${VAR}`` references are returned unchanged (they are not secrets).
    """
    if not value:
        return ""
    v = value.strip()
    if _PURE_REF_RX.fullmatch(v):
        return v
    if "://" in v and "@" in v:
        for u in _iter_userinfo(v):
            if u.url_start == 0 and u.url_end == len(v):
                return _mask_url(v, u)
    for _kind, rx, _triggers in _TOKEN_PATTERNS:
        m = rx.fullmatch(v)
        if m:
            return m.group("p") + "****"
    if len(v) < 12:
        return "****"
    return v[:2] + "****"
