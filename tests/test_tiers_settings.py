import pytest

from semsearch.errors import SettingsError
from semsearch.retrieval.tiers import Tier, tier_of
from semsearch.settings import Settings, parse_dtype


@pytest.mark.parametrize(
    ("score", "tier"),
    [(1.0, Tier.STRONG), (0.6, Tier.STRONG), (0.5999, Tier.RELATED), (0.4, Tier.RELATED),
     (0.3999, Tier.WEAK), (-0.2, Tier.WEAK)],
)  # fmt: skip
def test_tiers_follow_the_model_card_bands(score, tier):
    assert tier_of(score) is tier


def test_tier_colours():
    assert [t.markdown for t in Tier] == ["green", "green-background", "gray"]


def test_settings_defaults():
    assert Settings.from_env({}) == Settings(model="auto", device=None, dtype=None, max_length=512)


def test_settings_from_env():
    env = {
        "SEMSEARCH_MODEL": " bundled ",
        "SEMSEARCH_DTYPE": "BFloat16",
        "SEMSEARCH_DEVICE": "cuda:1",
        "SEMSEARCH_MAX_LENGTH": "1024",
    }
    assert Settings.from_env(env) == Settings("bundled", "cuda:1", "bf16", 1024)


@pytest.mark.parametrize(
    ("env", "message"),
    [({"SEMSEARCH_DTYPE": "int4"}, "SEMSEARCH_DTYPE='int4' is not a dtype: use bf16, fp16 or fp32"),
     ({"SEMSEARCH_MAX_LENGTH": "lots"}, "SEMSEARCH_MAX_LENGTH='lots' must be a whole number"),
     ({"SEMSEARCH_MAX_LENGTH": "4"}, "at least 8")],
)  # fmt: skip
def test_bad_settings_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("name", "canonical"), [("fp16", "fp16"), ("float32", "fp32"), (" BF16 ", "bf16")]
)
def test_parse_dtype(name, canonical):
    assert parse_dtype(name) == canonical
