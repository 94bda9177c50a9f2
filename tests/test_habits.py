"""The development habits stay wired: pre-commit runs the pinned ruff, the unit tier and the
mutation run name files that exist, and the mutation scores are read right."""

import importlib.util
import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pinned(requirements: str, package: str) -> str:
    [version] = re.findall(rf"^{package}==(\S+)$", requirements, flags=re.MULTILINE)
    return version


def test_pre_commit_runs_the_ruff_of_requirements_dev():
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    ruff = pinned((ROOT / "requirements-dev.txt").read_text(encoding="utf-8"), "ruff")
    hooks = re.findall(r"^\s+- id: (\S+)$", config, flags=re.MULTILINE)
    assert hooks == ["ruff", "ruff-format"]
    assert re.findall(r'"ruff==([^"]+)"', config) == [ruff, ruff]


def test_the_unit_tier_names_test_files_that_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    block = makefile.split("UNIT_TESTS := \\\n", 1)[1].split("\n\n", 1)[0]
    files = block.replace("\\", " ").split()
    assert len(files) == len(set(files)) >= 10
    assert all(f.startswith("tests/test_") and (ROOT / f).is_file() for f in files), files
    assert "tests/test_habits.py" in files


def test_mutation_testing_is_configured_on_the_four_modules():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    assert config["only_mutate"] == [
        "semsearch/retrieval/ranking.py",
        "semsearch/retrieval/filters.py",
        "semsearch/retrieval/tiers.py",
        "semsearch/encoding/prompts.py",
    ]
    assert all((ROOT / f).is_file() for f in config["pytest_add_cli_args_test_selection"])
    assert pinned((ROOT / "requirements-dev.txt").read_text(encoding="utf-8"), "mutmut")


def test_mutation_scores_count_killed_and_timed_out_per_module():
    listing = """
    semsearch.retrieval.ranking.x_top_hits__mutmut_1: killed
    semsearch.retrieval.ranking.x_top_hits__mutmut_2: survived
    semsearch.retrieval.ranking.x_rank__mutmut_1: timeout
    semsearch.retrieval.filters.x_facets__mutmut_10: no tests
    semsearch.encoding.prompts.x_format_query__mutmut_3: killed
    not a result line
    """
    assert load_script("mutation_scores").scores(listing) == {
        "semsearch.encoding.prompts": (1, 1, []),
        "semsearch.retrieval.filters": (
            0,
            1,
            ["semsearch.retrieval.filters.x_facets__mutmut_10: no tests"],
        ),
        "semsearch.retrieval.ranking": (
            2,
            3,
            ["semsearch.retrieval.ranking.x_top_hits__mutmut_2: survived"],
        ),
    }
