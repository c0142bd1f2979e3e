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


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default and what it does."""

    name: str
    type: type
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
    Setting("host", str, "127.0.0.1", "Address the server listens on."),
    Setting("port", int, 8000, "Port the server listens on."),
    Setting("threads", int, 4, "Worker threads of the WSGI server."),
    Setting("query_timeout", float, 30.0,
            "Seconds a query may run before it is stopped and answered with 503."),
    Setting("max_rows", int, 10000,
            "Most result rows (or triples) one query returns; more are cut off and flagged."),
    Setting("max_request_bytes", int, 1_000_000,
            "Largest request body accepted; larger ones get 413."),
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
        if values["build_dir"] is None:
            values["build_dir"] = Path(values["root"]) / "build"
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
        raise CqkgError(f"{setting.env}={raw!r} is not a valid {setting.type.__name__}") from None
