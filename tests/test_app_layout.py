"""The page's words and the map's logic in AppTest, on the bundled model (issue 10, items 6-7).

What only a browser shows (widths, truncation, the language switch's labels, a click on the
map) is in test_browser_layout.py.
"""

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from semsearch.analysis.projection import project_2d

from .helpers import workbench

TIMEOUT = 120
FRUITS = ["apples", "bananas", "oranges", "kiwis", "grapes", "pears", "plums", "mangos"]
PLACES = ["in the kitchen", "at the market", "in the garden", "on the table", "in a box"]


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    return workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()


def map_data(at) -> dict[str, pd.DataFrame]:
    """The map chart's datasets, by name, as the browser receives them."""
    chart = next(c for c in at.get("vega_lite_chart") if '"zoom"' in c.proto.spec)
    return {
        d.name: pa.ipc.open_stream(io.BytesIO(d.data.data)).read_pandas()
        for d in chart.proto.datasets
    }


def test_the_map_draws_each_line_at_its_own_point_whatever_top_k(page, monkeypatch):
    """The bug: past the draw limit, the kept points ignored top-k (issue 10, item 8).

    Moving top-k above the number of kept best lines changed which lines were sampled while
    the remembered coordinates stayed those of the old sample, so most lines were drawn at
    another line's place. Limits are lowered so that 40 lines are "large" (the old code's
    ``MAP_LIMIT``; the new code's per-method limit and number of kept best lines).
    """
    for name, value in (("MAP_LIMIT", 30), ("DRAW_LIMITS", {"pca": 30}), ("KEEP_TOP", 25)):
        monkeypatch.setattr(f"app_views.map.{name}", value, raising=False)
    lines = [f"{f} {p}" for f in FRUITS for p in PLACES]  # 40 distinct lines
    page.text_area(key="kb_text").input("\n".join(lines))
    page.text_input(key="query").input("citrus fruit").run()
    at = page.button(key="search").click().run()
    at.session_state["why_tab"] = "Embedding map"
    at.run()
    vectors, query = at.session_state["kb_embeddings"], at.session_state["query_vector"]
    for top_k in (5, 25, 12):
        at.number_input(key="top_k").set_value(top_k)
        at.slider(key="threshold").set_value(0.1).run()
        assert not at.exception
        data = map_data(at)
        drawn = data["lines"]["line"].to_numpy() - 1
        assert len(drawn) == 30
        expected = project_2d(np.vstack([vectors[drawn], query[None, :]]))
        got = data["lines"][["x", "y"]].to_numpy()
        np.testing.assert_allclose(got, expected[:-1], rtol=1e-5, atol=1e-5)
        # The numbered results sit on their own lines' points.
        scores = vectors @ query
        best = [i for i in np.argsort(-scores, kind="stable")[:top_k] if scores[i] >= 0.1]
        by_line = dict(zip(drawn.tolist(), got.tolist(), strict=True))
        assert data["ranks"][["x", "y"]].to_numpy().tolist() == [by_line[int(i)] for i in best]


def test_the_map_colours_by_source_file_and_names_typed_lines(page):
    page.text_input(key="query").input("vitamin C")
    at = page.button(key="search").click().run()
    at.session_state["why_tab"] = "Embedding map"
    at.run()
    at.radio(key="map_colour").set_value("source").run()
    assert not at.exception
    data = map_data(at)
    assert set(data["lines"]["source"]) == {"typed on the page"}
    assert '"field": "source", "type": "nominal"' in next(
        c.proto.spec for c in at.get("vega_lite_chart") if '"pick"' in c.proto.spec
    )
    at.radio(key="lang").set_value("zh").run()
    data = map_data(at)
    assert set(data["lines"]["source"]) == {"页面上输入"}
    assert set(data["lines"]["status"]) <= {"≥ 阈值", "低于阈值"}


@pytest.mark.parametrize("method", ["umap", "tsne"])
def test_umap_and_tsne_are_there_out_of_the_box(page, method):
    at = page.button(key="search").click().run()
    at.session_state["why_tab"] = "Embedding map"
    at.run()
    assert at.radio(key="map_method").options == ["PCA", "UMAP", "t-SNE"]
    at.radio(key="map_method").set_value(method).run()
    assert not at.exception
    key, layout = at.session_state["map_points"]
    assert key[1] == method
    assert layout.points.shape == (12, 2)
    assert np.isfinite(layout.points).all()


def test_what_was_encoded_is_said_once_not_after_every_slider_move(page):
    at = page.button(key="search").click().run()
    captions = [c.value for c in at.main.caption]
    assert any(c.startswith("12 lines encoded, 0 from the cache") for c in captions)
    at.slider(key="threshold").set_value(0.2).run()
    captions = [c.value for c in at.main.caption]
    assert not any("encoded, " in c for c in captions)
    assert "Ranked again from the vectors of the last search: nothing was encoded." in captions


def test_one_line_one_passage_one_query_read_right(page):
    at = page.text_area(key="kb_text").input("A single line about oranges.").run()
    assert "1 line" in [c.value for c in at.main.caption]
    at = at.button(key="search").click().run()
    assert any(c.value.startswith("1 line encoded, 0 from") for c in at.main.caption)


def test_a_saved_base_is_named_without_escape_characters(page):
    at = page.text_area(key="kb_text").input("One line to keep.").run()
    at.text_input(key="save_name").input("my-base.v2").run()
    at = at.button(key="save_base").click().run()
    # The name is a code span: shown and copied as it is, no escaping backslash.
    assert at.main.success[0].value.startswith("Saved '`my-base.v2`': 1 passage, ")
    info = [c.value for c in at.main.caption if "updated" in c.value]
    assert len(info) == 1
    updated = info[0].rsplit("updated ", 1)[1]
    assert len(updated) == len("2026-01-01 10:30")
    assert "T" not in updated
