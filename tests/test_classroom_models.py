"""Models picked in turn on the page are freed once the page's model cache lets them go."""

from __future__ import annotations

import gc
import shutil

from streamlit.testing.v1 import AppTest

from semsearch.encoding.engines.tokens import TokenEngine

from .helpers import workbench

TIMEOUT = 180
PAGE_MODEL_CACHE = 3
"""``max_entries`` of the page's ``_shared_embedder`` cache in app.py."""


def live_engines(prefix: str) -> int:
    gc.unfreeze()  # the page freezes what is alive after a load (semsearch.page.heap)
    gc.collect()
    return sum(
        1
        for thing in gc.get_objects()
        if type(thing) is TokenEngine and thing.name.startswith(prefix)
    )


def test_eight_model_folders_picked_in_turn_leave_at_most_the_cache_size_alive(
    tiny_qwen3, tmp_path, monkeypatch
):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    models = tmp_path / "models"
    folders = [shutil.copytree(tiny_qwen3, models / f"twin{n}") for n in range(8)]
    at = workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()
    at.selectbox(key="model_choice").set_value("custom").run()
    for folder in folders:
        at.text_input(key="custom_model").input(str(folder)).run()
        at.text_input(key="query").set_value("vitamin C")
        at = at.button(key="search").click().run()
        assert not at.exception
        assert at.session_state["run"].fingerprint.startswith(str(folder.resolve()))
    assert live_engines(str(models.resolve())) <= PAGE_MODEL_CACHE
