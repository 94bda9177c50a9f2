import pytest

from semsearch.encoding.prompts import DEFAULT_TASK, format_query, task_from_prompt


def test_format_query_is_exactly_the_model_card_format():
    assert (
        format_query("what is MRL?", "Find answers") == "Instruct: Find answers\nQuery:what is MRL?"
    )


def test_default_task_is_the_model_cards():
    assert DEFAULT_TASK == (
        "Given a web search query, retrieve relevant passages that answer the query"
    )


@pytest.mark.parametrize("task", [None, "", "   "])
def test_no_task_means_bare_query(task):
    assert format_query("q", task) == "q"


@pytest.mark.parametrize("task", [DEFAULT_TASK, "Retrieve 中文 passages", "multi\nline"])
def test_task_round_trips_through_a_stored_prompt(task):
    prompt = format_query("", task)
    assert task_from_prompt(prompt) == task


@pytest.mark.parametrize(
    "prompt", [None, "", "query: ", "Instruct: x\nQuery: ", "Instruct:x\nQuery:"]
)
def test_other_prompt_styles_have_no_task(prompt):
    assert task_from_prompt(prompt) is None
