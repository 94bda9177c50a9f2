"""Filters by source or metadata (app_views/filters.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "filter_header": ("Filter by source or metadata", "按来源或元数据筛选"),
    "filter_typed": ("(typed lines)", "(手动输入的行)"),
    "filter_empty": ("(empty)", "(空)"),
    "filter_active": (
        "Searching {kept} of {total} passages: {where}",
        "在 {total} 段中搜索 {kept} 段:{where}",
    ),
    "filter_none_match": (
        "No passage matches the filter; clear a choice to search again.",
        "没有段落符合筛选条件;取消某个选择后再搜索。",
    ),
    "filter_store": (
        "Filters apply to passages on the page; a base searched in its store is filtered from the "
        "command line: semsearch search --name … --where field=value.",
        "筛选作用于页面上的段落;在存储中搜索的知识库请用命令行筛选:semsearch search --name … "
        "--where 字段=值。",
    ),
}
