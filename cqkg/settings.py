"""Every setting of cqkg in one table: name, default, environment variable and help.

A setting's value comes from its environment variable (``CQKG_<NAME>``) when set,
else from its default. ``Settings.from_env()`` reads them all; ``SETTINGS`` is the
table that also documents itself (``cqkg settings`` prints it, and a test checks
that the README lists every one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cqkg.errors import CqkgError

PACKAGE_DIR = Path(__file__).resolve().parent


def comma_separated(raw: str) -> tuple[str, ...]:
    """Parse a comma- or space-separated list, e.g. of endpoint IRIs."""
    return tuple(item for item in raw.replace(",", " ").split() if item)


def flag(raw: str) -> bool:
    """Parse a yes/no setting: 1, true, yes or on (any case) mean yes."""
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type (a callable that parses the environment's text), default and help."""

    name: str
    type: object
    default: object
    help: str

    @property
    def env(self) -> str:
        """The environment variable that overrides this setting."""
        return "CQKG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("root", Path, PACKAGE_DIR.parent,
            "Project folder holding ontology/, data/ and sources/."),
    Setting("build_dir", Path, None,
            "Folder for the built dataset and store (default: <root>/build)."),
    Setting("dist_dir", Path, None,
            "Folder for the release: dumps, VoID description, CSV tables (default: <root>/dist)."),
    Setting("host", str, "127.0.0.1", "Address the server listens on."),
    Setting("port", int, 8000, "Port the server listens on."),
    Setting("fronts", int, 2,
            "Web server processes sharing the port (each with its own event loop, threads, query workers and cache)."),
    Setting("threads", int, 16,
            "Threads of each web server process for pages, dumps and reconciliation (SPARQL queries take none)."),
    Setting("max_connections", int, 1000,
            "Open connections each web server process serves; beyond them a request gets 503."),
    Setting("idle_timeout", float, 15.0,
            "Seconds a connection may take to send a request's head, or stay idle, before the server closes it."),
    Setting("access_log", flag, False,
            "Log one line per request (method, path, status, milliseconds); off by default: the reverse proxy logs them."),
    Setting("engine", str, "oxigraph",
            "Query engine: oxigraph (embedded store), rdflib (reference) or remote (CQKG_REMOTE_ENDPOINT)."),
    Setting("remote_endpoint", str, "",
            "SPARQL query URL of the external store the remote engine answers from."),
    Setting("workers", int, 2,
            "Query worker processes each web server process starts with; a query past its limits kills its worker."),
    Setting("max_workers", int, 8,
            "Most query worker processes per web server process: the pool grows to this when all are busy with slow queries."),
    Setting("query_timeout", float, 30.0,
            "Seconds a request may take, waiting for a worker included, before its query is stopped (503)."),
    Setting("query_memory_mb", int, 1024,
            "Memory (MiB) one query worker may use; a query needing more is stopped (503). 0: no cap."),
    Setting("long_query_seconds", float, 0.5,
            "A query running longer than this yields the CPU to shorter ones (its worker drops to the lowest priority)."),
    Setting("max_query_chars", int, 100_000, "Longest query accepted, in characters (400 beyond)."),
    Setting("max_query_depth", int, 100,
            "Deepest nesting of brackets or prefix operators a query may have (400 beyond)."),
    Setting("max_rows", int, 10000,
            "Most result rows (or triples) one query returns; more are cut off and flagged."),
    Setting("max_request_bytes", int, 1_000_000,
            "Largest request body accepted; larger ones get 413."),
    Setting("max_client_queries", int, 4,
            "Queries one client address may have running at once, over all web server processes; more get 429."),
    Setting("trusted_proxies", comma_separated, (),
            "Addresses (or CIDR networks) of reverse proxies whose X-Forwarded-For names the client; none by default."),
    Setting("cache_entries", int, 1024,
            "Answers kept in each web server process's result cache; 0 turns the cache off."),
    Setting("cache_bytes", int, 64_000_000,
            "Most bytes (keys and answers) kept in each web server process's result cache."),
    Setting("reconcile_max_queries", int, 100, "Most queries in one reconciliation batch (400 beyond)."),
    Setting("reconcile_max_chars", int, 500, "Longest name or property value a reconciliation query may carry (400 beyond)."),
    Setting("service_allowlist", comma_separated, (),
            "SERVICE endpoints queries may call, comma-separated (none by default); "
            "e.g. https://query.wikidata.org/sparql"),
)


@dataclass(frozen=True)
class Settings:
    """The values of all settings, resolved from the environment and defaults."""

    values: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        """Read every setting from ``environ`` (default ``os.environ``), then apply ``overrides``.

        Raises CqkgError when a value cannot be converted to the setting's type.
        """
        environ = os.environ if environ is None else environ
        values = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env)
            values[setting.name] = setting.default if raw is None else _convert(setting, raw)
        for name, value in overrides.items():
            if name not in values:
                raise CqkgError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = value
        for name, folder in (("build_dir", "build"), ("dist_dir", "dist")):
            if values[name] is None:
                values[name] = Path(values["root"]) / folder
        return cls(values)

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def _convert(setting: Setting, raw: str):
    try:
        return setting.type(raw)
    except ValueError:
        raise CqkgError(f"{setting.env}={raw!r} is not a valid {getattr(setting.type, '__name__', 'value')}") from None
