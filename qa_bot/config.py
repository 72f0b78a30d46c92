"""Configuration: built-in defaults -> config file -> ``QA_BOT_*`` environment -> command-line options.

The config file is TOML with the same names as the fields below, e.g.::

    corpus = "/srv/clinic/corpus"
    disclaimer = "This is general information, not medical advice. Ask your clinician."
    emergency_message = "Call 000 now."          # Australia

It is read from ``--config``, else ``QA_BOT_CONFIG``, else ``qa-bot.toml`` in the working folder if
there is one. Every field can also be set as an environment variable: ``QA_BOT_`` plus the name in
capitals (``QA_BOT_INDEX_DIR``, ``QA_BOT_MIN_SCORE``; lists comma-separated). A bad value is refused
with a message naming where it was set; a ``QA_BOT_*`` variable that names no setting is ignored with
a warning that suggests the nearest one.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError, ConfigWarning

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # a checkout's top (tests, benchmarks); the package's files: resources.py

DEFAULT_RATE_LIMIT = "20 per minute;200 per hour"
DEFAULT_DISCLAIMER = (
    "This is general information from our clinic's articles, not medical advice. "
    "Please consult a qualified healthcare professional about your own situation."
)
DEFAULT_EMERGENCY = (
    "This may be a medical emergency. Call your local emergency number (911 in the US) now, "
    "or go to the nearest emergency department. Do not wait for an online answer."
)
DEFAULT_CRISIS = (
    "If you are thinking about ending your life or harming yourself, please call or text 988 "
    "(the Suicide and Crisis Lifeline in the US), or your local emergency number, right now. "
    "You deserve support, and someone is ready to talk with you."
)
DEFAULT_CONTACT = "Please ask our clinic's staff, who will be glad to help."
# Under an emergency message the article disclaimer ("general information from our articles") would
# be wrong: urgent replies carry this line in its place.
DEFAULT_URGENT_DISCLAIMER = (
    "This assistant cannot help in an emergency: please get help from a person now."
)


def _default_corpus() -> Path:
    from .resources import example_corpus

    return example_corpus() or Path("corpus")


@dataclass(frozen=True)
class Config:
    corpus: Path = field(default_factory=_default_corpus)
    index_dir: Path | None = None  # None: a folder in the user's cache, one per corpus
    disclaimer: str = DEFAULT_DISCLAIMER
    emergency_message: str = DEFAULT_EMERGENCY
    crisis_message: str = DEFAULT_CRISIS
    contact_message: str = DEFAULT_CONTACT
    urgent_disclaimer: str = DEFAULT_URGENT_DISCLAIMER
    min_score: float = 0.12  # below this best-section cosine, the articles do not answer
    max_question_chars: int = 1000
    max_answer_sentences: int = 3
    # A hard limit on answering one question: past it the request fails with TooSlowError (API: 503).
    answer_time_budget_ms: float = 2000.0
    # web
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    # Threads per worker. A thread is held for as long as a client takes to send its request, so
    # slow clients can take them all: in production, nginx in front reads requests first (README).
    threads: int = 32
    cors_origins: tuple[str, ...] = ()
    # The address patients reach this server at, e.g. https://clinic.example: the demo pages embed the
    # widget from it. "" embeds it relative to the page. Never taken from the Host header a client sends.
    public_url: str = ""
    max_body_bytes: int = 16384
    # Per client address, on every /api/ route; "" turns limiting off. Syntax: "N per second|minute|hour|day",
    # several separated by ";".
    rate_limit: str = DEFAULT_RATE_LIMIT
    # Where the counts live: memory:// (each worker counts alone) or e.g. redis://host:6379 (shared).
    rate_limit_storage: str = "memory://"
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For may be believed
    log_questions: bool = False  # if on, questions are logged and stored after redaction (see privacy.py)
    # The feedback store (qa_bot/store/): each answer's status, reason code, citations and feedback.
    storage: bool = True  # false: nothing is recorded, and /api/feedback knows no answer
    database_url: str = ""  # "": SQLite in data_dir; or postgresql://user:password@host:5432/dbname
    data_dir: Path | None = None  # None: a folder beside the index folder (<index_dir>-data)
    retention_days: int = 90  # stored answers and feedback are purged after this many days
    # The staff page (/staff): off (404) until a secret key is set. Users are "name:hash" entries made
    # with 'qa-bot staff add-user NAME'.
    staff_secret_key: str = ""
    staff_users: tuple[str, ...] = ()
    reload_interval: float = 2.0  # seconds between checks for corpus edits while serving; < 0: never

    def __post_init__(self):
        if not self.disclaimer.strip():
            raise ConfigError("disclaimer must not be empty: every answer carries it", "disclaimer")
        for name in ("emergency_message", "crisis_message", "urgent_disclaimer"):
            if not getattr(self, name).strip():
                raise ConfigError(f"{name} must not be empty", name)
        if not 0 <= self.min_score < 1:
            raise ConfigError(f"min_score must be between 0 and 1, not {self.min_score}", "min_score")
        for name in ("max_question_chars", "max_answer_sentences", "workers", "threads", "max_body_bytes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}", name)
        if not self.answer_time_budget_ms > 0:
            raise ConfigError(f"answer_time_budget_ms must be more than 0, not {self.answer_time_budget_ms}",
                              "answer_time_budget_ms")
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be 1-65535, not {self.port}", "port")
        if self.public_url and not _is_site_url(self.public_url):
            raise ConfigError(f"public_url '{self.public_url}' is not an address like https://clinic.example",
                              "public_url")
        if self.retention_days < 1:
            raise ConfigError(f"retention_days must be at least 1, not {self.retention_days}", "retention_days")
        if self.staff_secret_key and len(self.staff_secret_key) < 16:
            raise ConfigError("staff_secret_key must be at least 16 characters: make one with "
                              "python -c 'import secrets; print(secrets.token_hex(32))'", "staff_secret_key")
        for entry in self.staff_users:
            name, _, hashed = entry.partition(":")
            if not name or not hashed:
                raise ConfigError(f"staff_users entry '{entry[:20]}' is not NAME:HASH: make one with "
                                  "'qa-bot staff add-user NAME'", "staff_users")
        if self.trusted_proxies < 0:
            raise ConfigError(f"trusted_proxies must be 0 or more, not {self.trusted_proxies}", "trusted_proxies")
        # The default needs no check (test_lean_imports parses it): parsing loads limits' module and
        # packaging's, 12 ms of every command's start.
        if self.rate_limit.strip() and self.rate_limit != DEFAULT_RATE_LIMIT:
            from .lean_imports import parse_rate_limits  # not `import limits`: 0.13 s of every command's start

            try:
                parse_rate_limits(self.rate_limit)
            except ValueError:
                raise ConfigError(f"rate_limit '{self.rate_limit}' is not like '20 per minute;200 per hour'",
                                  "rate_limit") from None

    def origin(self, name: str) -> str:
        """Where the value of setting ``name`` came from, for messages: 'config file PATH', 'QA_BOT_NAME',
        '--name', or 'the default'. Known for configs made by :func:`load_config`."""
        return self.__dict__.get("_origins", {}).get(name, "the default")

    def error(self, name: str, message: str) -> ConfigError:
        """A :class:`ConfigError` about setting ``name`` that names where its value was set, if not a default."""
        origin = self.origin(name)
        return ConfigError(message if origin == "the default" else f"{origin}: {message}", name)

    @property
    def resolved_data_dir(self) -> Path:
        """Where the SQLite feedback store lives: ``data_dir``, else beside the index folder."""
        if self.data_dir is not None:
            return Path(self.data_dir)
        index_dir = self.resolved_index_dir
        return index_dir.with_name(f"{index_dir.name}-data")

    @property
    def resolved_index_dir(self) -> Path:
        if self.index_dir is not None:
            return Path(self.index_dir)
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        key = hashlib.sha256(str(Path(self.corpus).resolve()).encode()).hexdigest()[:12]
        return cache / "qa-bot" / f"index-{key}"

    def replace(self, **changes) -> "Config":
        changes = {k: v for k, v in changes.items() if v is not None}
        new = dataclasses.replace(self, **changes)
        origins = self.__dict__.get("_origins", {})
        object.__setattr__(new, "_origins", {k: v for k, v in origins.items() if k not in changes})
        return new


FIELDS = {f.name: f for f in dataclasses.fields(Config)}


def _is_site_url(url: str) -> bool:
    """An http(s) address with a host, and no query or fragment (it is the start of other URLs)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not (parts.query or parts.fragment)


def _coerce(name: str, value, origin: str):
    """Turn a value from TOML or the environment into the field's type, with a clear error."""
    kind = str(FIELDS[name].type)
    try:
        if "Path" in kind:
            return None if value in ("", None) else Path(os.path.expanduser(str(value)))
        if "tuple" in kind:
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(i).strip() for i in items if str(i).strip())
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if str(value).strip().lower() in ("1", "true", "yes", "on"):
                return True
            if str(value).strip().lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{origin}: '{value}' is not a valid {kind} for {name}") from None


# QA_BOT_* variables that are not settings: the config file's own, and the test suite's switches.
OTHER_VARIABLES = ("QA_BOT_CONFIG", "QA_BOT_REQUIRE_BROWSER", "QA_BOT_REQUIRE_NGINX", "QA_BOT_REQUIRE_POSTGRES",
                   "QA_BOT_REQUIRE_REDIS")


def setting_variables() -> list[str]:
    """The environment variable of each setting, in the order of the fields."""
    return [f"QA_BOT_{name.upper()}" for name in FIELDS]


def _warn_unknown_variables(environ) -> None:
    """A misspelled variable would be silently ignored: say so, with the nearest known name."""
    known = [*setting_variables(), *OTHER_VARIABLES]
    for var in sorted(v for v in environ if v.startswith("QA_BOT_") and v not in known):
        nearest = difflib.get_close_matches(var, known, n=1, cutoff=0.6)
        hint = f"did you mean {nearest[0]}?" if nearest else "see the settings in the README"
        warnings.warn(f"{var} is not a qa-bot setting and is ignored: {hint}", ConfigWarning, stacklevel=3)


def load_config(path: str | Path | None = None, environ: dict | None = None, **overrides) -> Config:
    """Defaults, then the config file, then ``QA_BOT_*`` variables, then ``overrides`` (not None).

    A bad value is refused with a message naming where it came from (the file, the variable or the
    option); a ``QA_BOT_*`` variable that is no setting gets a :class:`ConfigWarning`."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    origins: dict = {}
    path = path or environ.get("QA_BOT_CONFIG") or ("qa-bot.toml" if Path("qa-bot.toml").is_file() else None)
    if path:
        import tomllib  # only with a config file (5 ms of a start without one)

        where = f"config file {Path(path).resolve()}"
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where} is not valid TOML: {exc}") from None
        for key, value in data.items():
            if key not in FIELDS:
                nearest = difflib.get_close_matches(key, FIELDS, n=1)
                hint = f"did you mean '{nearest[0]}'?" if nearest else f"known: {', '.join(FIELDS)}"
                raise ConfigError(f"{where}: unknown setting '{key}' ({hint})")
            values[key], origins[key] = _coerce(key, value, where), where
    _warn_unknown_variables(environ)
    for name, var in zip(FIELDS, setting_variables()):
        if var in environ:
            values[name], origins[name] = _coerce(name, environ[var], var), var
    for name, value in overrides.items():
        if value is not None:
            option = f"--{name.replace('_', '-')}"
            values[name], origins[name] = _coerce(name, value, option), option
    try:
        config = Config(**values)
    except ConfigError as exc:
        if exc.setting in origins:
            raise ConfigError(f"{origins[exc.setting]}: {exc}", exc.setting) from None
        raise
    object.__setattr__(config, "_origins", origins)
    return config
