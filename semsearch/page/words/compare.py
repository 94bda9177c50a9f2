"""The comparison view: another model's scores (app_views/compare.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "cmp_intro": (
        "Rank the same knowledge base with another model and see how far the two agree.",
        "用另一个模型对同一个知识库排序,看看两者有多一致。",
    ),
    "cmp_model": ("Other model", "另一个模型"),
    "cmp_run": ("Compare", "开始对比"),
    "cmp_same": ("Pick a model other than the one in use.", "请选择与当前不同的模型。"),
    "cmp_encoding": (
        "Encoding {done}/{total:# line|# lines} with {model}…",
        "正在用 {model} 编码 {done}/{total} 行…",
    ),
    "cmp_failed": (
        "The model {model} could not be compared: {cause}",
        "无法用模型 {model} 对比:{cause}",
    ),
    "cmp_overlap": ("Overlap of the top {k}", "前 {k} 名的重合度"),
    "cmp_spearman": ("Spearman rank correlation over all lines", "所有行的 Spearman 等级相关系数"),
    "cmp_chart": ("Each line: score by {a} against score by {b}", "每一行:{a} 的得分与 {b} 的得分"),
    "cmp_stale": (
        "The search changed since this comparison. Press Compare again.",
        "搜索在这次对比之后有改动。请再次点击“开始对比”。",
    ),
    "cmp_none": (
        "No other model can run here without a download.",
        "本机没有其他无需下载即可运行的模型。",
    ),
    "cmp_more": (
        "More models: run `{command}` once while online (it then appears here), or choose "
        "“{custom}” and give a model folder.",
        "更多模型:联网时运行一次 `{command}`(之后会出现在这里),或选择“{custom}”并填写模型文件夹。",
    ),
    "cmp_cached": ("{model} (Hugging Face cache)", "{model}(Hugging Face 缓存)"),
}
