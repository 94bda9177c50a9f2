"""Saved bases and vector export (app_views/saved.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "classroom_bases": (
        "Classroom server: saved knowledge bases can be opened here; they are made and deleted "
        "with `semsearch index` and `semsearch delete` on the server.",
        "课堂服务器:这里可以打开已保存的知识库;知识库由服务器上的 `semsearch index` 创建、由 "
        "`semsearch delete` 删除。",
    ),
    "delete_confirm": (
        "Yes, delete {name} for everyone using this server",
        "是的,为使用此服务器的所有人删除 {name}",
    ),
    "saved_header": ("Saved knowledge bases", "已保存的知识库"),
    "save_name": ("Name", "名称"),
    "save_button": ("Save", "保存"),
    "save_replace": ("Replace the saved base of that name", "覆盖同名的已保存知识库"),
    "saved_ok": (
        "Saved '{name}': {count:# passage|# passages}, {model}, {dim} dimensions.",
        "已保存 “{name}”:{count} 段,{model},{dim} 维。",
    ),
    "save_empty": (
        "Nothing to save: the knowledge base is empty.",
        "知识库为空,没有可保存的内容。",
    ),
    "save_failed": ("Could not save: {cause}", "保存失败:{cause}"),
    "saved_pick": ("Saved bases", "已保存的知识库"),
    "saved_none": (
        "No knowledge base is saved yet. Saved bases live in {folder}.",
        "还没有保存任何知识库。知识库保存在 {folder}。",
    ),
    "saved_info": (
        "{count:# passage|# passages} · {model} · {dim} dimensions · updated {updated}",
        "{count} 段 · {model} · {dim} 维 · 更新于 {updated}",
    ),
    "open_button": ("Open", "打开"),
    "delete_button": ("Delete", "删除"),
    "opened": (
        "Opened '{name}': {count:# passage|# passages}, with their vectors (nothing to encode).",
        "已打开 “{name}”:{count} 段,向量一并载入(无需重新编码)。",
    ),
    "open_failed": ("Could not open '{name}': {cause}", "无法打开 “{name}”:{cause}"),
    "put_aside": (
        "The {count:# line|# lines} you had typed {count:is|are} put aside: “Put back my typed "
        "lines” (under the text box) returns {count:it|them}.",
        "你之前输入的 {count} 行已暂存:点击文本框下方的“恢复我输入的行”即可找回。",
    ),
    "put_back": ("Put back my typed lines ({count})", "恢复我输入的行({count})"),
    "deleted": ("Deleted '{name}'.", "已删除 “{name}”。"),
    "deleted_kept": (
        "Deleted '{name}'. It is kept until {until}: Restore below brings it back.",
        "已删除 “{name}”。它保留到 {until}:可用下方的“恢复”找回。",
    ),
    "restore_pick": ("Deleted bases (kept {days:# day|# days})", "已删除的知识库(保留 {days} 天)"),
    "restore_item": ("{name} · deleted {deleted}", "{name} · 删除于 {deleted}"),
    "restore_button": ("Restore", "恢复"),
    "restored": (
        "Restored '{name}': {count:# passage|# passages}.",
        "已恢复 “{name}”:{count} 段。",
    ),
    "restore_failed": ("Could not restore '{name}': {cause}", "无法恢复 “{name}”:{cause}"),
    "opened_from": ("From the saved base '{name}'", "来自已保存的知识库 “{name}”"),
    "opened_in_store": (
        "Opened '{name}': {count} passages, searched where they are stored (too many to copy into "
        "the page).",
        "已打开 “{name}”:{count} 段,段落太多,不复制到页面,直接在存储中检索。",
    ),
    "searching_store": (
        "Searching the saved base '{name}' ({count} passages) in its store. The text box and "
        "files are not searched while it is open.",
        "正在存储中检索已保存的知识库 “{name}”(共 {count} 段)。打开期间不检索文本框和上传的文件。",
    ),
    "passages_count": ("{count:# passage|# passages}", "{count} 段"),
    "export_in_store": (
        "The vectors of '{name}' stay in its store: `semsearch copy` moves the whole base, "
        "vectors and all, to another store.",
        "“{name}” 的向量保存在其存储中:用 `semsearch copy` "
        "可把整个知识库连同向量复制到另一个存储。",
    ),
    "close_base": ("Close", "关闭"),
    "export_npy": ("Vectors .npy + texts (zip)", "向量 .npy + 文本(zip)"),
    "export_parquet": ("Vectors + texts (.parquet)", "向量 + 文本(.parquet)"),
}
