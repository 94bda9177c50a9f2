"""What is kept between visits: the vector cache, labels, files (app_views/memory.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "classroom_cache": (
        "Classroom server: the vector cache is shared by the class and cleared only with "
        "`semsearch cache clear` on the server.",
        "课堂服务器:向量缓存由全班共享,只能在服务器上用 `semsearch cache clear` 清除。",
    ),
    "text_not_kept": (
        "This text ({size}) is more than a page keeps between visits ({limit}): it is searched "
        "now, but a reload will not bring it back. Save it as a knowledge base to keep it.",
        "这段文本({size})超过了页面在两次访问之间保留的上限({limit}):现在可以检索,"
        "但刷新后不会恢复。请把它保存为知识库以便保留。",
    ),
    "files_not_kept": (
        "Not kept for your next visit (a page keeps {limit} of its files' text): {names}. "
        "{count:It is|They are} searched now; after a reload, add {count:it|them} again.",
        "以下文件不会保留到下次访问(页面最多保留 {limit} 的文件文本):{names}。现在可以检索这 "
        "{count} 个文件;刷新后请重新添加。",
    ),
    "memory_header": ("Kept between visits", "跨访问保留"),
    "memory_explain": (
        "Vectors are kept on disk by model and text: a reload or a restart encodes nothing "
        "already seen. Your knowledge base, query, labels and the passages of your files are kept "
        "under this page's link (the id in the address bar): bookmark it to come back to them.",
        "向量按模型和文本保存在磁盘上:刷新页面或重启服务后,已编码过的文本不再重新编码。"
        "你的知识库、查询、标注和文件的段落都保存在本页链接(地址栏中的 id)下:"
        "收藏该链接即可随时回来。",
    ),
    "cache_info": (
        "Vector cache: {vectors} vectors, {size} of {limit}",
        "向量缓存:{vectors} 个向量,占用 {size}(上限 {limit})",
    ),
    "cache_clear": ("Clear the vector cache", "清空向量缓存"),
    "cache_cleared": (
        "{count} vectors removed from the disk cache.",
        "已从磁盘缓存删除 {count} 个向量。",
    ),
    "cache_read_only": (
        "The data folder is read-only: vectors already kept there are used, new ones last for "
        "this visit only. Set SEMSEARCH_DATA_DIR to a writable folder to keep them.",
        "数据文件夹只读:已保存的向量照常使用,新向量只在本次访问中保留。请把 SEMSEARCH_DATA_DIR "
        "设为可写文件夹以保存它们。",
    ),
    "cache_off": (
        "The disk cache is off: every visit encodes its texts again. Set SEMSEARCH_DATA_DIR to a "
        "writable folder (and SEMSEARCH_CACHE_MAX above 0) to keep vectors.",
        "磁盘缓存已关闭:每次访问都会重新编码文本。请把 SEMSEARCH_DATA_DIR 设为可写文件夹(并把 "
        "SEMSEARCH_CACHE_MAX 设为大于 0)以保存向量。",
    ),
    "memory_off": (
        "This page's text, query and labels are not kept for your next visit: the data folder "
        "cannot be written. Set SEMSEARCH_DATA_DIR to a writable folder.",
        "本页的文本、查询和标注不会保留到下次访问:数据文件夹无法写入。请把 SEMSEARCH_DATA_DIR "
        "设为可写文件夹。",
    ),
    "kept_files": (
        "From an earlier visit (the browser forgets uploaded files on reload; their passages are "
        "kept here):",
        "来自之前的访问(刷新后浏览器会忘记已上传的文件,但它们的段落保存在这里):",
    ),
    "forget_files": ("Forget these files", "移除这些文件"),
}
