"""The answer built from the results (app_views/answer.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "answer_stale": (
        "This answer was made from another search (question: {query}) or other results: press "
        "“Answer from these results” to make it again from the results above.",
        "这个回答来自另一次搜索(问题:{query})或另一组结果:请点击“根据这些结果回答”,"
        "根据上面的结果重新生成。",
    ),
    "answer_header": ("Answer", "回答"),
    "answer_button": ("Answer from these results", "根据这些结果回答"),
    "answer_help": (
        "A language model answers from the results above (at or above the threshold, at most "
        "top-k), citing them as [1], [2]… Set SEMSEARCH_LLM or SEMSEARCH_LLM_BASE_URL to choose "
        "it.",
        "语言模型根据上面的结果(不低于阈值,最多 top-k 条)作答,并以 [1]、[2]… 标注出处。可通过 "
        "SEMSEARCH_LLM 或 SEMSEARCH_LLM_BASE_URL 选择模型。",
    ),
    "answer_loading": ("Loading the language model…", "正在加载语言模型…"),
    "answer_failed": ("No answer: {cause}", "无法回答:{cause}"),
    "answer_fix_offline": (
        "The language model is downloaded once, then works offline: run `{command}` while online, "
        "then ask again. Or answer with a model you have: SEMSEARCH_LLM=FOLDER (a local model "
        "folder), or SEMSEARCH_LLM_BASE_URL=URL for an OpenAI-compatible server (vLLM, Ollama); "
        "set it before starting the page.",
        "语言模型只需下载一次,之后可离线使用:联网时运行 `{command}`,然后再问一次。"
        "也可以用已有的模型回答:SEMSEARCH_LLM=文件夹(本地模型文件夹),或 "
        "SEMSEARCH_LLM_BASE_URL=URL(兼容 OpenAI 的服务,如 vLLM、Ollama);请在启动页面前设置。",
    ),
    "answer_sources": (
        "Sources given to the model (cited ones marked ✓):",
        "提供给模型的来源(被引用的标有 ✓):",
    ),
}
