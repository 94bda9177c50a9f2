"""The map view: the vectors projected to 2D (app_views/map.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "map_intro": (
        "Every line as a point, the query as a red diamond: close points have similar vectors. "
        "Colour is the score; ringed points pass the threshold; #1, #2… are the results above. "
        "Scroll to zoom, drag to pan.",
        "每一行是一个点,查询是红色菱形:越近的点向量越相似。颜色表示得分;带圈的点超过阈值;#1、#2… "
        "是上面的结果。滚动缩放,拖动平移。",
    ),
    "map_method": ("Projection", "投影方法"),
    "map_sampled": (
        "{total} lines: {method} draws a sample of {shown} (the 100 best always included); PCA "
        "draws up to 50,000.",
        "共 {total} 行:{method} 只绘制其中 {shown} 行的样本(得分最高的 100 行总在其中);PCA "
        "最多可绘制 50,000 行。",
    ),
    "map_too_few": ("A map needs at least 3 lines.", "地图至少需要 3 行。"),
    "map_query": ("query", "查询"),
    "map_passes": ("≥ threshold", "≥ 阈值"),
    "map_below": ("below threshold", "低于阈值"),
    "map_method_help": (
        "PCA: fast, keeps the main directions. UMAP and t-SNE keep neighbourhoods, so clusters "
        "show better, but distances between clusters mean little; they are slower.",
        "PCA:速度快,保留主要方向。UMAP 和 t-SNE 保留邻近关系,聚类更清楚,"
        "但簇与簇之间的距离意义不大;它们也更慢。",
    ),
    "map_colour": ("Colour by", "着色依据"),
    "map_colour_score": ("score", "得分"),
    "map_colour_source": ("source file", "来源文件"),
    "map_source": ("source", "来源"),
    "map_typed": ("typed on the page", "页面上输入"),
    "map_ring": ("threshold", "阈值"),
    "map_projecting": (
        "Projecting {count:# line|# lines} with {method}…",
        "正在用 {method} 投影 {count} 行…",
    ),
    "map_projecting_first": (
        "Projecting {count:# line|# lines} with {method}… Its first map since the server started "
        "compiles its code once: up to a minute on a small machine. Later maps take seconds.",
        "正在用 {method} 投影 {count} 行… 服务器启动后的第一张 {method} 图要先编译一次代码:"
        "在配置较低的机器上最多约一分钟。之后每张图只需几秒。",
    ),
    "map_failed": ("The map could not be drawn: {cause}", "无法绘制这张图:{cause}"),
    "map_click": (
        "Click a point to list its nearest neighbours (they get an orange ring); click the "
        "background to clear. Red lines join the query to its results.",
        "点击一个点,列出它最近的邻居(以橙色圆圈标出);点击空白处取消。红线把查询连到它的结果。",
    ),
    "map_neighbours": ("**Nearest neighbours of line {line}:**", "**第 {line} 行最近的邻居:**"),
}
