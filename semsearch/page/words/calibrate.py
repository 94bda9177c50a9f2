"""The calibration view: relevance labels and the threshold (app_views/calibrate.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "cal_intro": (
        "Mark results as relevant or not (here, for any query you search, or by uploading a CSV "
        "of query,text,relevant). Precision, recall and F1 at every threshold follow.",
        "把结果标为相关或不相关(可在这里对任意查询标注,也可上传 query,text,relevant 格式的 CSV)。"
        "随后显示每个阈值下的精确率、召回率和 F1。",
    ),
    "cal_table": (
        "Label the top {count:# line|# lines} for this query",
        "为本次查询标注排名前 {count} 的行",
    ),
    "cal_label": ("label", "标注"),
    "cal_relevant": ("relevant", "相关"),
    "cal_not_relevant": ("not relevant", "不相关"),
    "cal_upload": ("Upload labels (CSV: query,text,relevant)", "上传标注(CSV:query,text,relevant)"),
    "cal_uploaded": (
        "{count:# label|# labels} read from {name}.",
        "从 {name} 读取了 {count} 条标注。",
    ),
    "cal_bad_file": ("{name}: {cause}", "{name}:{cause}"),
    "cal_count": (
        "{count:# labelled pair|# labelled pairs} over {queries:# query|# queries} ({positives} "
        "relevant).",
        "共 {count} 对标注,涉及 {queries} 个查询(其中 {positives} 对相关)。",
    ),
    "cal_need": (
        "Label at least one relevant and one not-relevant result to see the curves.",
        "至少标注一个相关和一个不相关的结果,才能看到曲线。",
    ),
    "cal_encoding": (
        "Encoding {count:# labelled text|# labelled texts} that are not in the knowledge base…",
        "正在编码 {count} 条不在知识库中的标注文本…",
    ),
    "cal_chart": ("Precision, recall and F1 by threshold", "各阈值下的精确率、召回率和 F1"),
    "cal_best": (
        "Best F1 {f1:.3f} at threshold {threshold:.4f}. On the slider's steps the best is "
        "{grid:.2f} (F1 {grid_f1:.3f}).",
        "最佳 F1 为 {f1:.3f},阈值 {threshold:.4f}。按滑块的步长,最佳为 {grid:.2f}(F1 "
        "{grid_f1:.3f})。",
    ),
    "cal_apply": ("Use {value:.2f} as the threshold", "把阈值设为 {value:.2f}"),
    "cal_clear": ("Clear all labels", "清除所有标注"),
    "metric": ("metric", "指标"),
    "threshold_axis": ("threshold", "阈值"),
    "cal_download": ("Download labels (CSV)", "下载标注(CSV)"),
    "cal_kept": (
        "Labels are kept for this page between visits; download them to share.",
        "标注会为本页跨访问保留;可下载后分享。",
    ),
    "metric_precision": ("precision", "精确率"),
    "metric_recall": ("recall", "召回率"),
    "metric_value": ("value", "数值"),
}
