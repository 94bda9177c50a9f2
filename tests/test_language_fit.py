"""Language fit: which texts the model in use can read, judged from its card and its tokenizer."""

import shutil

import pytest

from semsearch.analysis.language_fit import language_fit, model_reading
from semsearch.documents.knowledge_base import parse_lines
from semsearch.encoding.model_source import BUNDLED_NAME, QWEN3_0_6B, QWEN3_4B, bundled_folder
from semsearch.page.reading import fit_warning, sample_label, unreadable_samples
from semsearch.page.samples import SAMPLES, sample


@pytest.fixture(scope="module")
def minilm():
    return model_reading(BUNDLED_NAME, bundled_folder())


@pytest.fixture(scope="module")
def qwen3(tiny_qwen3):
    return model_reading("tiny-qwen3", tiny_qwen3)


def lines(key):
    return parse_lines(sample(key).text)


def test_the_bundled_model_reads_english_only_by_its_card(minilm):
    assert (minilm.languages, minilm.source, minilm.scripts) == (("en",), "model card", {"Latin"})
    assert minilm.tokenizer is not None  # WordPiece: it has [UNK]
    assert not minilm.multilingual


def test_a_qwen3_folder_reads_any_script_and_has_no_unknown_token(qwen3):
    assert (qwen3.languages, qwen3.source, qwen3.scripts) == ((), "model family", None)
    assert qwen3.tokenizer is None  # byte-level BPE never produces an unknown token
    assert qwen3.multilingual


@pytest.mark.parametrize("key", ["zh_fruit", "zh_support"])
def test_the_bundled_model_cannot_read_the_chinese_samples(minilm, key):
    texts = lines(key)
    fit = language_fit(minilm, texts)
    assert not fit.fits
    assert fit.unreadable == tuple(range(len(texts)))
    assert (fit.seen, fit.fix, fit.languages) == ("Han", QWEN3_0_6B, ("en",))
    assert fit.foreign_share > 0.9  # digits and "iPhone" are the rest
    assert fit.unknown_share is not None
    assert fit.unknown_share > 0.5


@pytest.mark.parametrize("key", ["en_fruit", "en_support"])
def test_the_bundled_model_reads_the_english_samples(minilm, key):
    fit = language_fit(minilm, lines(key))
    assert fit.fits
    assert (fit.unreadable, fit.foreign_share, fit.unknown_share) == ((), 0.0, 0.0)
    assert (fit.seen, fit.fix) == (None, None)


def test_queries_are_judged_alone(minilm):
    assert language_fit(minilm, ["手机充不进电"]).unreadable == (0,)
    assert language_fit(minilm, ["My phone won't charge"]).fits
    # One Chinese name in an English sentence leaves it readable: most letters are Latin.
    assert language_fit(minilm, ["The train from 東京 to Osaka is fast"]).fits
    mixed = language_fit(minilm, ["Apples are red", "苹果是红色的", "Bananas"])
    assert mixed.unreadable == (1,)


def test_the_script_seen_is_named_and_the_fix_is_the_one_asked(minilm):
    fit = language_fit(minilm, ["Привет, как дела?", "안녕하세요 여러분"], fix=QWEN3_4B)
    assert fit.unreadable == (0, 1)
    assert fit.seen in ("Cyrillic", "Hangul")
    assert fit.fix == QWEN3_4B
    assert language_fit(minilm, ["สวัสดีครับ"]).seen == "Thai"


def test_unknown_tokens_alone_make_a_text_unreadable(minilm):
    fit = language_fit(minilm, ["😀🙂🎉"])  # no letters at all, every piece [UNK]
    assert (fit.unreadable, fit.unknown_share, fit.foreign_share, fit.seen) == (
        (0,), 1.0, 0.0, None)  # fmt: skip


def test_a_multilingual_model_reads_chinese(qwen3):
    fit = language_fit(qwen3, [*lines("zh_fruit"), "手机充不进电"])
    assert fit.fits
    assert (fit.foreign_share, fit.unknown_share, fit.fix) == (0.0, None, None)


def test_texts_without_letters_are_readable(minilm):
    assert language_fit(minilm, ["2024-05-01", "", "42 %"]).fits
    assert language_fit(minilm, []).fits


def write_card(folder, front_matter):
    folder.mkdir()
    shutil.copy(bundled_folder() / "config.json", folder / "config.json")
    (folder / "README.md").write_text(f"---\n{front_matter}\n---\n# A model\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("front_matter", "languages", "scripts"),
    [
        ("language: multilingual", ("multilingual",), None),
        ("language:\n- en\n- zh", ("en", "zh"), {"Latin", "Han", "Bopomofo"}),
        ("language: [ja]", ("ja",), {"Han", "Hiragana", "Katakana"}),
        ("language: [en, xx]", ("en", "xx"), None),  # an unknown code: characters not judged
        ("language: zh-CN", ("zh",), {"Han", "Bopomofo"}),
    ],
)
def test_declared_languages_come_from_the_card(tmp_path, front_matter, languages, scripts):
    reading = model_reading("m", write_card(tmp_path / "m", front_matter))
    assert (reading.languages, reading.source, reading.scripts) == (
        languages, "model card", scripts)  # fmt: skip
    assert reading.tokenizer is None  # this folder has no tokenizer.json
    assert language_fit(reading, ["苹果是红色的"]).fits


def test_a_model_without_a_card_or_a_known_family_declares_nothing(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    shutil.copy(bundled_folder() / "config.json", folder / "config.json")
    reading = model_reading("plain", folder)
    assert (reading.source, reading.scripts, reading.multilingual) == ("not declared", None, False)
    assert language_fit(reading, ["苹果是红色的"]).fits  # nothing to judge by: silent


def test_a_served_model_without_files_is_judged_by_its_name():
    assert model_reading("qwen3-embedding:8b", None).multilingual
    assert model_reading("test-embed", None).source == "not declared"


def test_the_warning_names_the_model_the_share_the_script_and_the_fix(minilm):
    kb = language_fit(minilm, lines("zh_fruit"))
    query = language_fit(minilm, ["哪种水果维C含量高?"])
    share = f"{max(kb.foreign_share, query.foreign_share):.0%}"
    assert fit_warning("en", kb, query) == (
        f"{BUNDLED_NAME} cannot read the query and 12 of 12 lines: it reads English only (its "
        f"model card says so), and {share} of the letters are Chinese characters. Its scores "
        "here say little. Two ways out: rank this search by keywords (BM25, jieba for Chinese) "
        "with the switch below, or run `hf download Qwen/Qwen3-Embedding-0.6B` once while "
        "online, then choose Qwen/Qwen3-Embedding-0.6B in the sidebar (it reads 100+ languages)."
    )
    english_query = language_fit(minilm, ["Which fruit?"])
    assert fit_warning("zh", kb, english_query).startswith(
        f"{BUNDLED_NAME} 读不懂12 行中的 12 行:它只读英文(模型卡如此声明),而其中 "
    )
    assert fit_warning("en", language_fit(minilm, lines("en_fruit")), english_query) is None


def test_the_warning_escapes_names_for_markdown(minilm):
    kb = language_fit(minilm, ["苹果"])
    warning = fit_warning("en", kb, kb, escape=lambda name: f"<{name}>")
    assert warning is not None
    assert warning.startswith(f"<{BUNDLED_NAME}> cannot read")
    assert "choose <Qwen/Qwen3-Embedding-0.6B> in the sidebar" in warning


def test_samples_the_model_cannot_read_are_marked(minilm, qwen3):
    assert unreadable_samples(minilm) == {"zh_fruit", "zh_support"}
    assert unreadable_samples(qwen3) == frozenset()
    zh_fruit = sample("zh_fruit")
    assert sample_label("en", zh_fruit, readable=False) == (
        "Fruit (Chinese) · the model in use cannot read it"
    )
    assert sample_label("zh", zh_fruit, readable=False) == "水果(中文) · 当前模型读不懂"
    assert [sample_label("en", s, readable=True) for s in SAMPLES] == [
        s.titles["en"] for s in SAMPLES
    ]
