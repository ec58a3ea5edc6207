"""Options: each default is declared once, and the README's table says the same."""

from __future__ import annotations

import re

from build_digest.config import DigestPluginConfig

from .conftest import ROOT


def test_the_readme_options_table_gives_the_defaults_the_plugin_uses():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", readme, re.M))
    defaults = {name: option.default for name, option in DigestPluginConfig._schema}
    assert set(documented) == set(defaults)
    for name, default in defaults.items():
        assert documented[name] == str(default), name
