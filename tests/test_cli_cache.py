"""``semsearch cache info`` and ``semsearch cache clear``: the page's disk cache of vectors."""

import json

from semsearch.cli import main
from semsearch.encoding.disk_cache import FILE_NAME, DiskVectorCache
from semsearch.encoding.vector_cache import VectorCache

from .fakes import fake_embedder


def run_main(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fill(folder, texts):
    VectorCache(disk=DiskVectorCache(folder)).embed(fake_embedder(), texts)


def test_info_names_the_file_its_size_and_each_model(capsys, data_dir):
    fill(data_dir, ["apples", "pears", "plums"])
    code, out, err = run_main(capsys, "cache", "info")
    lines = out.splitlines()
    assert (code, err) == (0, "")
    assert lines[0] == f"{data_dir / FILE_NAME} (on)"
    assert lines[1].startswith("3 vectors, ")
    assert lines[1].endswith(" MB of 2048.0 MB (SEMSEARCH_CACHE_MAX)")
    assert lines[2:] == ["3\tfake-words|fp32|max=64"]


def test_info_as_json_with_another_folder_and_cap(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_CACHE_MAX", "1MB")
    fill(tmp_path / "elsewhere", ["apples"])
    code, out, _ = run_main(
        capsys, "cache", "info", "--json", "--data-dir", str(tmp_path / "elsewhere")
    )
    info = json.loads(out)
    assert code == 0
    assert info["bytes"] > 0
    del info["bytes"]
    assert info == {
        "path": str(tmp_path / "elsewhere" / FILE_NAME), "status": "on", "vectors": 1,
        "max_bytes": 1024**2, "notice": None,
        "models": [{"model": "fake-words|fp32|max=64", "vectors": 1}],
    }  # fmt: skip


def test_clear_empties_the_cache_so_the_next_visit_encodes_again(capsys, data_dir):
    fill(data_dir, ["apples", "pears"])
    code, out, err = run_main(capsys, "cache", "clear")
    assert (code, out, err) == (0, "", f"removed 2 vectors from {data_dir / FILE_NAME}\n")
    assert DiskVectorCache(data_dir).info().vectors == 0
    cache = VectorCache(disk=DiskVectorCache(data_dir))
    assert cache.embed(fake_embedder(), ["apples"]).encoded == 1


def test_clearing_a_cache_that_is_off_is_one_line_and_exit_1(capsys, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_CACHE_MAX", "off")
    code, out, err = run_main(capsys, "cache", "clear")
    assert (code, out) == (1, "")
    assert err.startswith("semsearch: error: The disk cache ")
    assert "cannot be cleared: it is off. The disk cache is off (SEMSEARCH_CACHE_MAX=0)." in err
    assert err.count("\n") == 1
