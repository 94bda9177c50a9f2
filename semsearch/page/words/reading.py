"""The words of whether the model can read the text: its warning, keyword ranking instead.

From app_views/fit.py and semsearch/page/reading.py.

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "score_line": ("{score} · {tier}", "{score} · {tier}"),
    "lang_en": ("English", "英文"),
    "lang_zh": ("Chinese", "中文"),
    "list_sep": (", ", "、"),
    "fit_lines": ("{count} of {total:# line|# lines}", "{total} 行中的 {count} 行"),
    "fit_query": ("the query", "查询"),
    "fit_query_and": ("the query and {lines}", "查询和 {lines}"),
    "fit_script": (
        "{model} cannot read {what}: it reads {languages} only (its model card says so), and "
        "{share:.0%} of the letters are {script}. Its scores here say little.",
        "{model} 读不懂{what}:它只读{languages}(模型卡如此声明),而其中 {share:.0%} "
        "的字符是{script}。这里的得分没有意义。",
    ),
    "fit_unknown": (
        "{model} cannot read {what}: {share:.0%} of the tokens are unknown to it. Its scores here "
        "say little.",
        "{model} 读不懂{what}:其中 {share:.0%} 的 token 它不认识。这里的得分没有意义。",
    ),
    "fit_fix_pick": (
        "Two ways out: rank this search by keywords (BM25, jieba for Chinese) with the switch "
        "below, or choose {model} {where} (it reads 100+ languages).",
        "两种办法:用下面的开关按关键词(BM25,中文用 jieba 分词)为本次搜索排序,或{where}选择 "
        "{model}(支持 100 多种语言)。",
    ),
    "fit_fix_download": (
        "Two ways out: rank this search by keywords (BM25, jieba for Chinese) with the switch "
        "below, or run `{command}` once while online, then choose {model} {where} (it reads 100+ "
        "languages).",
        "两种办法:用下面的开关按关键词(BM25,中文用 jieba 分词)为本次搜索排序,或联网时运行一次 "
        "`{command}`,然后{where}选择 {model}(支持 100 多种语言)。",
    ),
    "fit_keywords_toggle": (
        "Rank this search by keywords (BM25) instead",
        "改为按关键词(BM25)为本次搜索排序",
    ),
    "score_unread": (
        "{score} · no tier: the model cannot read this",
        "{score} · 不分级:模型读不懂这些文字",
    ),
    "script_Han": ("Chinese characters", "汉字"),
    "script_Hangul": ("Korean Hangul", "韩文"),
    "script_Hiragana": ("Japanese kana", "日文假名"),
    "script_Katakana": ("Japanese kana", "日文假名"),
    "script_Cyrillic": ("Cyrillic", "西里尔字母"),
    "script_Arabic": ("Arabic script", "阿拉伯字母"),
    "script_Greek": ("Greek", "希腊字母"),
    "script_Hebrew": ("Hebrew", "希伯来字母"),
    "script_Devanagari": ("Devanagari", "天城文"),
    "script_Thai": ("Thai", "泰文"),
    "sample_unreadable": ("{title} · the model in use cannot read it", "{title} · 当前模型读不懂"),
}
