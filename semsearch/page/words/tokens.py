"""The tokens view: what the model reads (app_views/tokens.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "tok_remote": (
        "{model} runs on the server at {url}, which does not share its tokenizer, so its tokens "
        "cannot be shown here. Load the model locally (unset SEMSEARCH_EMBED_URL) to see them.",
        "{model} 运行在服务器 {url} 上,服务器不提供它的分词器,因此这里无法显示分词。"
        "在本机加载该模型(不设置 SEMSEARCH_EMBED_URL)即可查看。",
    ),
    "tok_intro": (
        "What the model actually reads. Qwen3 queries carry an instruction; documents go in as "
        "typed. Each piece is one token; the model sees at most {cap} per text.",
        "模型实际读到的内容。Qwen3 的查询带有指令;文档按原文输入。每一块是一个 token;"
        "每条文本最多读取 {cap} 个。",
    ),
    "tok_with": (
        "Query with the instruction: {count:# token|# tokens}",
        "带指令的查询:{count} 个 token",
    ),
    "tok_without": (
        "Query without the instruction: {count:# token|# tokens}",
        "不带指令的查询:{count} 个 token",
    ),
    "tok_plain": (
        "The query: {count:# token|# tokens} (this model takes no instruction)",
        "查询:{count} 个 token(该模型不使用指令)",
    ),
    "tok_cut": (
        "Longer than {cap} tokens: the model read only the first {cap}.",
        "超过 {cap} 个 token:模型只读取了前 {cap} 个。",
    ),
    "tok_scores": (
        "Score of each top result with the instruction and without it",
        "每个靠前结果在带指令与不带指令时的得分",
    ),
    "tok_no_results": (
        "Run a search with at least one result to compare scores.",
        "先搜索出至少一个结果,才能比较得分。",
    ),
    "tok_lengths": (
        "Tokens per knowledge-base line (the dashed line is the cap, {cap})",
        "知识库每行的 token 数(虚线为上限 {cap})",
    ),
    "tok_lengths_under": (
        "Tokens per knowledge-base line (all far under the cap, {cap})",
        "知识库每行的 token 数(都远低于上限 {cap})",
    ),
    "tok_axis": ("tokens", "token 数"),
    "tok_lines": ("lines", "行数"),
    "col_with": ("with instruction", "带指令"),
    "col_without": ("without", "不带指令"),
    "col_change": ("change", "变化"),
}
