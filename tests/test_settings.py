"""Settings: environment overrides, clear errors, and every setting documented in the README."""

from __future__ import annotations

import pytest

from cqkg.errors import CqkgError
from cqkg.settings import SETTINGS, Settings


def test_environment_overrides_default(tmp_path):
    settings = Settings.from_env({"CQKG_PORT": "9001", "CQKG_ROOT": str(tmp_path)})
    assert settings.port == 9001
    assert settings.build_dir == tmp_path / "build"


def test_bad_value_is_a_clear_error():
    with pytest.raises(CqkgError, match="CQKG_PORT='eighty' is not a valid int"):
        Settings.from_env({"CQKG_PORT": "eighty"})


def test_every_setting_is_documented_in_the_readme(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if s.env not in readme]
    assert not missing, f"README.md does not document {missing}"
