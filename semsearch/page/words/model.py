"""The words of the model: picker, loading, what is in use and why, encoding settings.

From app.py's sidebar and semsearch/page/naming.py.

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "lesson_caption": (
        "Each text becomes a vector; the lines whose vectors point most nearly the question's way "
        "come first.",
        "每段文本都变成一个向量;向量方向与问题最接近的行排在最前。",
    ),
    "page_caption": (
        "Type a knowledge base on the left, ask a question in your own words on the right, and "
        "see which lines mean the same thing: texts become vectors, and the closest vectors win.",
        "左侧输入知识库,右侧用自己的话提问,看看哪些句子意思相同:文本被编码成向量,"
        "距离最近的向量胜出。",
    ),
    "model_header": ("Model", "模型"),
    "model_choice": ("Embedding model", "嵌入模型"),
    "model_bundled": (
        "bundled: all-MiniLM-L6-v2 (offline, English only)",
        "bundled:all-MiniLM-L6-v2(离线,仅英文)",
    ),
    "model_custom": (
        "other: a Hugging Face id or a local folder",
        "其他:Hugging Face 模型 id 或本地文件夹",
    ),
    "custom_model": ("Model id or folder", "模型 id 或文件夹"),
    "loading_model": (
        "Loading {model}… the first time may download it.",
        "正在加载 {model}… 首次使用可能需要下载。",
    ),
    "model_failed": (
        "The model {model} could not be loaded: {cause}",
        "无法加载模型 {model}:{cause}",
    ),
    "model_failed_hint": (
        "Pick another model in the sidebar. Your knowledge base and query are kept.",
        "请在侧边栏选择其他模型。知识库和查询内容都会保留。",
    ),
    "model_failed_hint_lesson": (
        "Pick another model on the 🛠️ Workbench page (its sidebar). Your knowledge base and query "
        "are kept.",
        "请在 🛠️ 工作台页面(侧边栏)选择其他模型。知识库和查询内容都会保留。",
    ),
    "model_needs_download": (
        "{model} · needs a download (~{size})",
        "{model} · 需要下载(约 {size})",
    ),
    "ready": ("Vector space ready", "向量空间已就绪"),
    "info_model": ("Model", "模型"),
    "info_device": ("Device", "设备"),
    "info_dtype": ("Precision", "精度"),
    "info_dim": ("Dimensions", "维度"),
    "info_load_line": ("Load time: {seconds:.1f} s ({how})", "加载耗时:{seconds:.1f} 秒({how})"),
    "load_how_bundled": ("bundled", "内置"),
    "load_how_local_folder": ("local folder", "本地文件夹"),
    "load_how_hub_cache": ("Hugging Face cache", "Hugging Face 缓存"),
    "load_how_downloaded": ("downloaded", "已下载"),
    "load_how_remote": ("remote", "远程"),
    "fallback": ("auto fell back to {model} ({why}). {fix}", "auto 回退到了 {model}({why})。{fix}"),
    "engine_notice": ("Note: {notice}", "提示:{notice}"),
    "settings_header": ("Encoding settings", "编码设置"),
    "dim": ("Output dimension", "输出维度"),
    "dim_help": (
        "Matryoshka (MRL): keep the first d values of each vector and re-normalise. "
        "Qwen3-Embedding was trained for this; MiniLM was not, so it loses more.",
        "Matryoshka(MRL):保留每个向量的前 d 个值并重新归一化。Qwen3-Embedding 为此训练过;MiniLM "
        "没有,损失更大。",
    ),
    "max_length": ("Token cap per text", "每条文本的 token 上限"),
    "max_length_help": (
        "Longer texts are cut to this many tokens; the page says which.",
        "更长的文本会被截断到这个长度,页面会提示是哪几行。",
    ),
    "instruction": ("Query instruction (task)", "查询指令(任务)"),
    "instruction_help": (
        "Queries are encoded as 'Instruct: {{task}}\\nQuery:{{query}}'; documents carry no "
        "instruction. Write it in English. Empty means no instruction.",
        "查询按 'Instruct: {{task}}\\nQuery:{{query}}' 编码,文档不加指令。指令请用英文书写。"
        "留空表示不加指令。",
    ),
    "instruction_reset": ("Reset instruction", "恢复默认指令"),
    "instruction_unused": (
        "This model takes no instruction: queries are encoded as typed.",
        "该模型不使用指令:查询按原文编码。",
    ),
    "info_engine": ("Engine", "引擎"),
    "engine_remote": (
        "remote (an OpenAI-compatible embedding server)",
        "远程(兼容 OpenAI 接口的向量服务)",
    ),
    "info_server": ("Server", "服务器"),
    "rerank": ("Rerank with Qwen3-Reranker", "用 Qwen3-Reranker 重排序"),
    "rerank_help": (
        "A second stage: the reranker reads the query with each of the top candidates and judges "
        "yes/no; results are ordered by its score. Set SEMSEARCH_RERANKER to choose it.",
        "第二阶段:重排序模型把查询与每个候选一起读,判断是/否,并按其得分排序。可通过 "
        "SEMSEARCH_RERANKER 选择模型。",
    ),
    "rerank_candidates": ("Candidates to rerank", "参与重排序的候选数"),
    "in_use": ("Model in use: {model} ({how})", "当前模型:{model}({how})"),
    "how_bundled": ("bundled with semsearch", "semsearch 内置"),
    "how_cache": ("from the Hugging Face cache", "来自 Hugging Face 缓存"),
    "how_folder": ("from a local folder", "来自本地文件夹"),
    "how_downloaded": ("downloaded", "已下载"),
    "how_given": ("loaded by hand", "手动加载"),
    "how_remote": ("served by {url}", "由 {url} 提供"),
    "how_fallback": ("{how}; auto fell back to it", "{how};auto 回退到了它"),
    "auto_would": (
        "auto: {model} here, else the bundled model",
        "auto:本机用 {model},不行则用内置模型",
    ),
    "auto_server": ("auto: the server's only model", "auto:服务器上唯一的模型"),
    "auto_served": ("auto → {model} (served by {url})", "auto → {model}(由 {url} 提供)"),
    "auto_resolved": ("auto → {model} ({why})", "auto → {model}({why})"),
    "auto_gpu": ("a GPU is here", "本机有 GPU"),
    "auto_cpu": ("no GPU: the small Qwen3", "没有 GPU:用小号 Qwen3"),
    "auto_fell_back": ("auto → {model} ({why})", "auto → {model}({why})"),
    "auto_why_offline": ("{model} not cached: offline", "{model} 未缓存:离线"),
    "auto_why_missing": ("{model} not found", "找不到 {model}"),
    "auto_why_download": ("{model}: download failed", "{model}:下载失败"),
    "auto_why_memory": ("{model} did not fit in memory", "{model} 内存不足"),
    "auto_why_error": ("{model} failed to load", "{model} 加载失败"),
    "fallback_fix_offline": (
        "To use it, run `{command}` once while online, then reload.",
        "要使用它,请在联网时运行一次 `{command}`,然后刷新页面。",
    ),
    "fallback_fix_missing": (
        "Check the model name (SEMSEARCH_MODEL).",
        "请检查模型名称(SEMSEARCH_MODEL)。",
    ),
    "fallback_fix_download": (
        "Retry, or run `{command}` yourself.",
        "请重试,或自行运行 `{command}`。",
    ),
    "fallback_fix_memory": (
        "Free memory, or choose a smaller model {where}.",
        "请释放内存,或{where}选择更小的模型。",
    ),
    "where_sidebar": ("in the sidebar", "在侧边栏"),
    "where_workbench": ("on the 🛠️ Workbench page", "在 🛠️ 工作台页面"),
    "fallback_fix_error": ("The cause: {cause}", "原因:{cause}"),
}
