"""What a browser reload costs: re-encoding an upload vs reading its vectors from disk.

Drives the real page (Streamlit's AppTest, bundled model, CPU) in a fresh data folder:
uploads a Markdown file of N paragraphs (default 156, ~120 words each, split into
passages), searches once (every passage encoded), then opens the same URL in a new session
(a browser reload) and in a new session after the process's disk cache and page memory are
dropped (a server restart: only the files remain). Each reload restores the text, query and
the file's passages and searches by itself, reading every vector from the disk cache; the
time is that whole first script run. For reference, the same passages through the API:
encoded cold, then read back by a new in-memory cache from disk. Prints a table, then one
line of JSON.

    python bench/reload.py --passages 156
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import short_lines
from encode import device_name

APP = str(Path(__file__).resolve().parent.parent / "app.py")
QUERY = "fresh fruit rich in vitamins"


def markdown(paragraphs: int, seed: int = 5) -> bytes:
    """A Markdown file of ``paragraphs`` paragraphs of about 120 words each."""
    rng = random.Random(seed)
    lines = short_lines(paragraphs * 24, seed=seed)
    blocks = [" ".join(rng.sample(lines, 24)) for _ in range(paragraphs)]
    return ("\n\n".join(blocks) + "\n").encode()


def timed_run(at: AppTest) -> tuple[AppTest, float]:
    """``at.run()`` and its seconds."""
    started = time.perf_counter()
    at = at.run()
    return at, time.perf_counter() - started


def page_reload(passages: int) -> tuple[dict[str, float | int], list[str]]:
    """Seconds of the first search and of the first run after a reload and after a restart."""
    from streamlit.testing.v1 import AppTest

    from semsearch.encoding import disk_cache
    from semsearch.page import memory

    AppTest.from_file(APP, default_timeout=3600).run()  # load the model once, as a server has
    at = AppTest.from_file(APP, default_timeout=3600)
    at.query_params["page"] = "workbench"  # the uploader is on the workbench, not the lesson
    at = at.run()
    at.text_area(key="kb_text").input("")
    at.file_uploader(key="uploads").upload("notes.md", markdown(passages), "text/markdown").run()
    at.text_input(key="query").set_value(QUERY)  # Enter in the box: a search
    at, search_s = timed_run(at)
    first = at.session_state["run"]
    params = dict(at.query_params)

    reloaded = AppTest.from_file(APP, default_timeout=3600)
    reloaded.query_params.update(params)
    reloaded, reload_s = timed_run(reloaded)
    again = reloaded.session_state["run"]

    for module in (disk_cache, memory):
        for shared in module._SHARED.drop_all():
            shared.close()
    restarted = AppTest.from_file(APP, default_timeout=3600)
    restarted.query_params.update(params)
    restarted, restart_s = timed_run(restarted)
    after = restarted.session_state["run"]
    assert first.encoded == len(set(first.texts)), "the first search encodes every passage"
    assert again is not None, "a reload searches by itself"
    assert after is not None, "a restart searches by itself"
    assert (again.encoded, after.encoded) == (0, 0), "a reload encodes nothing"
    assert again.texts == first.texts == after.texts
    timings = {
        "passages": len(first.texts),
        "first_search_s": search_s,
        "reload_s": reload_s,
        "restart_s": restart_s,
    }
    return timings, list(first.texts)


def api_reload(texts: list[str], folder: Path) -> dict[str, float]:
    """The same passages through the API: encoded cold, then read by a new cache from disk."""
    from semsearch import load_embedder
    from semsearch.encoding.disk_cache import DiskVectorCache
    from semsearch.encoding.vector_cache import VectorCache

    embedder = load_embedder("bundled", device="cpu")
    disk = DiskVectorCache(folder)
    started = time.perf_counter()
    cold = VectorCache(disk=disk).embed(embedder, texts)
    encode_s = time.perf_counter() - started
    started = time.perf_counter()
    warm = VectorCache(disk=DiskVectorCache(folder)).embed(embedder, texts)
    read_s = time.perf_counter() - started
    assert (cold.encoded, warm.encoded, warm.restored) == (len(set(texts)), 0, len(set(texts)))
    return {"api_encode_s": encode_s, "api_disk_read_s": read_s}


def main() -> None:
    """Search an upload, reload, restart; print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=156)
    args = parser.parse_args()
    os.environ.setdefault("SEMSEARCH_MODEL", "bundled")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SEMSEARCH_DATA_DIR"] = str(Path(folder) / "page")
        page, texts = page_reload(args.passages)
        from semsearch.encoding.disk_cache import FILE_NAME

        size = (Path(folder) / "page" / FILE_NAME).stat().st_size
        api = api_reload(texts, Path(folder) / "api")
    result = {
        **page,
        **api,
        "speedup_reload": page["first_search_s"] / page["reload_s"],
        "speedup_api": api["api_encode_s"] / api["api_disk_read_s"],
        "cache_file_bytes": size,
        "device": device_name("cpu"),
    }
    print(f"{result['passages']} passages, {result['device']}")
    print(f"page: first search {page['first_search_s']:.2f} s (every passage encoded)")
    print(f"page: reload       {page['reload_s']:.2f} s (restored and searched, 0 encoded)")
    print(f"page: restart      {page['restart_s']:.2f} s (new disk cache object, 0 encoded)")
    print(f"api:  encode {api['api_encode_s']:.2f} s, from disk {api['api_disk_read_s']:.4f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
