"""Options: each default is declared once (the README's table says the same), and MkDocs
checks them, naming the option in the error."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from mkdocs.config import load_config

from build_digest.cli import main
from build_digest.config import DigestPluginConfig

from .conftest import ROOT, make_project, set_option


def test_the_readme_options_table_gives_the_defaults_the_plugin_uses():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", readme, re.M))
    defaults = {name: option.default for name, option in DigestPluginConfig._schema}
    assert set(documented) == set(defaults)
    for name, default in defaults.items():
        assert documented[name] == str(default), name


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("page_size", 3, "plugins.digest.page_size: must be at least 10 (got 3)"),
        ("page_size", "lots", "plugins.digest.page_size: must be a whole number (got 'lots')"),
        ("page_size", True, "plugins.digest.page_size: must be a whole number (got True)"),
        (
            "near_copy_containment",
            0,
            "plugins.digest.near_copy_containment: must be more than 0 and at most 1 (got 0)",
        ),
        ("legacy_encoding", "klingon", "plugins.digest.legacy_encoding: unknown encoding"),
        ("taxonomy", "nope.yml", "plugins.digest.taxonomy: The path '"),
    ],
)
def test_an_invalid_option_is_named_in_the_final_error_line(tmp_path, option, value, message):
    project = make_project(tmp_path)
    set_option(project, option, value)
    result = CliRunner().invoke(main, ["check", "--config-file", str(project / "mkdocs.yml")])
    assert result.exit_code != 0
    assert message in result.output.strip().splitlines()[-1]


def test_paths_are_relative_to_mkdocs_yml_and_a_float_option_takes_a_whole_number(tmp_path):
    project = make_project(tmp_path)
    set_option(project, "near_copy_containment", 1)
    cfg = load_config(str(project / "mkdocs.yml"))
    settings = cfg.plugins["digest"].config.to_settings()
    assert settings.sources_dir == project / "sources"
    assert settings.taxonomy == project / "taxonomy.yml"
    assert settings.dedupe.containment == 1.0
