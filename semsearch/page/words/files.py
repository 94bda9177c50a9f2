"""Uploaded files and how they are split (app_views/files.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "files_header": ("Files", "文件"),
    "files_upload": (
        "Add .txt, .md, .html, .docx, .csv, .tsv or .pdf files, text without an extension (README)"
        ", or any of them as .gz",
        "添加 .txt、.md、.html、.docx、.csv、.tsv 或 .pdf 文件、无扩展名的文本(README)或它们的 "
        ".gz 压缩文件",
    ),
    "chunk_mode": ("Split into passages by", "切分段落的方式"),
    "chunk_line": ("line", "按行"),
    "chunk_paragraph": ("paragraph", "按段落"),
    "chunk_window": ("token window", "按 token 窗口"),
    "chunk_window_size": ("Window (tokens)", "窗口(token)"),
    "chunk_overlap": ("Overlap (tokens)", "重叠(token)"),
    "chunk_help": (
        "Passages longer than the model's token cap are always split into overlapping windows, "
        "never cut.",
        "超过模型 token 上限的段落总会被切成相互重叠的窗口,绝不截断。",
    ),
    "file_passages": ("{name}: {count:# passage|# passages}", "{name}:{count} 段"),
    "file_failed": ("{cause} The other files were added.", "{cause} 其他文件已添加。"),
    "file_nul_name": (
        "A file name holds a NUL character, which no real file name can: the file was not read. "
        "Rename it and add it again.",
        "文件名中含有 NUL 字符(真实文件名不可能含有),该文件未读取。请重命名后再添加。",
    ),
    "csv_columns": ("Columns the model reads", "模型读取的列"),
    "csv_help": (
        'Several columns are read as "column: value" lines; the other columns are kept with '
        "each passage, shown with each result and exported.",
        "多列以“列名: 值”逐行读取;其余各列随每段保存,随结果显示并导出。",
    ),
    "file_read": ("{name} ({encoding}): {count} passages", "{name}({encoding}):{count} 段"),
    "upload_button": ("Upload", "上传"),
    "upload_limit": ("{size} MB per file · {types}", "每个文件最多 {size} MB · {types}"),
}
