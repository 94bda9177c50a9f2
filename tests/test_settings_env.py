"""Settings own the environment: every SEMSEARCH_* variable is read and checked in settings.py.

Nothing else in the package, app.py or app_views/ reads os.environ (tests and benchmarks set
variables; they may). The data folder lives in its own small module, so importing the
encoder's disk cache does not import the stores or the document readers.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from semsearch.data_folder import data_dir
from semsearch.errors import SettingsError
from semsearch.retrieval.stores import open_store
from semsearch.settings import PageLimits, RemoteSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(
    [*(ROOT / "semsearch").rglob("*.py"), ROOT / "app.py", *(ROOT / "app_views").rglob("*.py")]
)


READERS = {"environ", "environb", "getenv"}


def _environment_reads(source: str) -> list[int]:
    """Lines that read the environment (os.environ, os.getenv, or import them from os)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in READERS:
            found.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found.extend(node.lineno for alias in node.names if alias.name in READERS)
    return sorted(found)


def test_only_settings_reads_the_environment():
    reads = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in SHIPPED
        for line in _environment_reads(path.read_text(encoding="utf-8"))
    ]
    assert reads
    assert all(where.startswith("semsearch/settings.py:") for where in reads), reads


def test_the_scan_finds_each_way_of_reading_the_environment():
    source = "import os\nfrom os import getenv\nos.environ.get('X')\nos.getenv('Y')\nenv = {}\n"
    assert _environment_reads(source) == [2, 3, 4]


def _variables(settings_class: type) -> set[str]:
    names = set()
    for item in fields(settings_class):
        if "group" in item.metadata:
            names |= _variables(item.metadata["group"])
        else:
            names.add(item.metadata["variable"])
    return names


def test_every_variable_the_code_names_is_a_setting():
    named = {
        name
        for path in SHIPPED
        for name in re.findall(r"SEMSEARCH_[A-Z_]*[A-Z]\b", path.read_text(encoding="utf-8"))
    }
    known = _variables(Settings)
    assert named - known == set()  # a name the code uses that Settings does not read
    assert "SEMSEARCH_RERANKER" in known
    assert "SEMSEARCH_LLM_API_KEY" in known


def test_every_variable_is_read_once_into_its_field(tmp_path):
    env = {
        "SEMSEARCH_MODEL": " bundled ",
        "SEMSEARCH_DEVICE": "CPU",
        "SEMSEARCH_DTYPE": "float32",
        "SEMSEARCH_MAX_LENGTH": "256",
        "SEMSEARCH_STORE": "milvus:http://db:19530",
        "SEMSEARCH_STORE_TOKEN": "user:secret",
        "SEMSEARCH_DATA_DIR": str(tmp_path / "data"),
        "SEMSEARCH_CACHE_MAX": "500MB",
        "SEMSEARCH_RERANKER": "Qwen/Qwen3-Reranker-4B",
        "SEMSEARCH_LLM": "Qwen/Qwen3-1.7B",
        "SEMSEARCH_LLM_BASE_URL": "http://localhost:8000/v1",
        "SEMSEARCH_LLM_API_KEY": "sk-1",
        "SEMSEARCH_EMBED_URL": "http://localhost:8001/v1/",
        "SEMSEARCH_EMBED_API_KEY": "sk-2",
        "SEMSEARCH_EMBED_BATCH": "16",
        "SEMSEARCH_EMBED_CONCURRENCY": "2",
        "SEMSEARCH_EMBED_TIMEOUT": "5.5",
        "SEMSEARCH_EMBED_INSTRUCT": "OFF",
        "SEMSEARCH_CLASSROOM": "Yes",
        "SEMSEARCH_MAX_PASSAGES": "100",
        "SEMSEARCH_MAX_CHARACTERS": "5000",
        "SEMSEARCH_MAX_TOKEN_CAP": "4",
        "SEMSEARCH_MAX_PROJECTED": "50",
        "SEMSEARCH_API_KEY": "sk-3",
        "SEMSEARCH_SERVER": "http://127.0.0.1:8000/v1/",
        "SEMSEARCH_CORS_ORIGINS": " https://a.example, ,https://b.example ",
        "SEMSEARCH_LOCK_WAIT": "0",
        "SEMSEARCH_TRASH_DAYS": "30",
    }
    assert set(env) == _variables(Settings)
    assert Settings.from_env(env) == Settings(
        model="bundled",
        device="cpu",
        dtype="fp32",
        max_length=256,
        store="milvus:http://db:19530",
        store_token="user:secret",
        data_dir=tmp_path / "data",
        lock_wait=0.0,
        trash_days=30,
        embed=RemoteSettings("http://localhost:8001/v1", "sk-2", 16, 2, 5.5, "off"),
        cache_max=500 * 1024**2,
        reranker="Qwen/Qwen3-Reranker-4B",
        llm="Qwen/Qwen3-1.7B",
        llm_base_url="http://localhost:8000/v1",
        llm_api_key="sk-1",
        classroom=True,
        limits=PageLimits(100, 5000, 8, 50),  # a token cap under 8 is raised to 8
        api_key="sk-3",
        server="http://127.0.0.1:8000",
        cors_origins=("https://a.example", "https://b.example"),
    )


def test_blank_variables_keep_the_defaults():
    assert Settings.from_env(dict.fromkeys(_variables(Settings), "  ")) == Settings()
    assert Settings.from_env({"SEMSEARCH_CLASSROOM": "1"}).limits == PageLimits(
        5_000, 2_000_000, 1024, 5_000
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [({"SEMSEARCH_STORE": "postgres://x"}, "SEMSEARCH_STORE='postgres://x' is not a store"),
     ({"SEMSEARCH_EMBED_BATCH": "0"}, "SEMSEARCH_EMBED_BATCH='0' must be a whole number, at least 1 (default 64)."),
     ({"SEMSEARCH_EMBED_TIMEOUT": "inf"}, "SEMSEARCH_EMBED_TIMEOUT='inf' must be a number of seconds above 0 (default 60)."),
     ({"SEMSEARCH_EMBED_INSTRUCT": "Maybe"}, "SEMSEARCH_EMBED_INSTRUCT='maybe' must be auto, on or off"),
     ({"SEMSEARCH_CLASSROOM": "1", "SEMSEARCH_MAX_PASSAGES": "x"}, "SEMSEARCH_MAX_PASSAGES='x' must be a whole number, at least 1 (default 5000)."),
     ({"SEMSEARCH_CLASSROOM": "Maybe"}, "SEMSEARCH_CLASSROOM='maybe' must be 1 (on) or 0 (off)."),
     ({"SEMSEARCH_MAX_LENGTH": "7"}, "SEMSEARCH_MAX_LENGTH='7' must be a whole number of tokens, at least 8."),
     ({"SEMSEARCH_LOCK_WAIT": "-1"}, "SEMSEARCH_LOCK_WAIT='-1' must be a number of seconds, 0 or more (default 5)."),
     ({"SEMSEARCH_TRASH_DAYS": "1.5"}, "SEMSEARCH_TRASH_DAYS='1.5' must be a whole number of days, 0 or more (default 7).")],
)  # fmt: skip
def test_a_bad_value_names_its_variable(env, message):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert str(caught.value).startswith(message)


def test_the_store_settings_choose_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_STORE", f"sqlite:{tmp_path / 'from-env'}")
    assert open_store().uri == f"sqlite:{tmp_path / 'from-env'}"
    given = Settings(store="sqlite", data_dir=tmp_path / "given")
    assert open_store(settings=given).uri == f"sqlite:{tmp_path / 'given'}"
    assert (
        open_store(f"sqlite:{tmp_path / 'flag'}", settings=given).uri
        == f"sqlite:{tmp_path / 'flag'}"
    )
    assert data_dir(given) == tmp_path / "given"


def test_importing_the_disk_cache_imports_no_store_and_no_document_reader():
    code = (
        "import json, sys\n"
        "import semsearch.encoding.disk_cache\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith("
        "('semsearch.retrieval.stores', 'semsearch.documents', 'pypdf', 'docx')))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == []


def test_one_setting_is_read_alone():
    # A store's write reads its lock wait alone: another variable's bad value is not its
    # business (the command that reads it says so).
    env = {"SEMSEARCH_LOCK_WAIT": "2.5", "SEMSEARCH_STORE": "postgres://x"}
    assert Settings.one("lock_wait", env) == 2.5
    assert Settings.one("lock_wait", {}) == 5.0
    with pytest.raises(SettingsError, match=r"^SEMSEARCH_LOCK_WAIT='x' must be a number"):
        Settings.one("lock_wait", {"SEMSEARCH_LOCK_WAIT": "x"})
