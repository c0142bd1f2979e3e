"""The SHACL report of a build, kept beside it (``validation.json``) for the /validation page.

The build writes it before the manifest that names the same fingerprint, so a
reader that finds both agreeing has the report of the build it serves; a report of
another build (or none, for a build made before reports were kept) reads as None.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from cqkg.build.validate import Finding, Report

REPORT = "validation.json"


def write_report(build_dir: Path, fingerprint: str, report: Report) -> None:
    """Write ``report`` for the build of ``fingerprint`` into ``build_dir``, atomically."""
    path = Path(build_dir) / REPORT
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({"fingerprint": fingerprint, "findings": [asdict(f) for f in report.findings]},
                                    ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_report(build_dir: Path, fingerprint: str) -> Report | None:
    """The report of the build of ``fingerprint``, or None if ``build_dir`` keeps none for it."""
    try:
        stored = json.loads((Path(build_dir) / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint:
        return None
    try:
        return Report([Finding(**dict(f, files=tuple(f["files"]))) for f in stored["findings"]])
    except (KeyError, TypeError):
        return None
