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
    Setting("threads", int, 8, "Threads of the WSGI server (requests handled at once)."),
    Setting("engine", str, "oxigraph",
            "Query engine: oxigraph (embedded store), rdflib (reference) or remote (CQKG_REMOTE_ENDPOINT)."),
    Setting("remote_endpoint", str, "",
            "SPARQL query URL of the external store the remote engine answers from."),
    Setting("workers", int, 2, "Query worker processes; a query past the time limit kills and replaces its worker."),
    Setting("query_timeout", float, 30.0,
            "Seconds a query may run before it is stopped and answered with 503."),
    Setting("max_rows", int, 10000,
            "Most result rows (or triples) one query returns; more are cut off and flagged."),
    Setting("max_request_bytes", int, 1_000_000,
            "Largest request body accepted; larger ones get 413."),
    Setting("max_client_queries", int, 4,
            "Queries one client address may have running at once; more get 429 with Retry-After."),
    Setting("cache_entries", int, 1024,
            "Answers kept in the result cache (per dataset version); 0 turns the cache off."),
    Setting("cache_bytes", int, 64_000_000, "Most bytes of answers kept in the result cache."),
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
