"""The page's words in English and Chinese.

Every string the page shows lives here under one key per language; ``{name}`` fields are
filled by :func:`t`. Both languages must have the same keys (a test checks it). The query
instruction stays English in both: Qwen3-Embedding was trained with English instructions.
"""

from __future__ import annotations

import string

LANGUAGES = {"en": "English", "zh": "中文"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "page_title": "Semantic search",
        "page_switch": "Page",
        "page_lesson": "📖 Lesson",
        "page_workbench": "🛠️ Workbench",
        "lesson_caption": (
            "Each text becomes a vector; the lines whose vectors point most nearly the "
            "question's way come first."
        ),
        "lesson_model_failed": (
            "The model {model} could not be loaded: {cause}. Pick another one on the workbench."
        ),
        "score_means": (
            "What the number means: the cosine similarity of the question's and this line's "
            "vectors (both of length 1): 1 = same direction, 0 = unrelated. "
            "≥ {strong} strong match · {related}–{strong} related · < {related} weak."
        ),
        "score_means_unread": (
            "What the number means: the cosine similarity of the question's and this line's "
            "vectors (both of length 1): 1 = same direction, 0 = unrelated. Here it means "
            "little: the model cannot read this text, so no tier word is given."
        ),
        "page_caption": (
            "Type a knowledge base on the left, ask a question in your own words on the right, "
            "and see which lines mean the same thing: texts become vectors, and the closest "
            "vectors win."
        ),
        "language": "Language",
        "model_header": "Model",
        "model_choice": "Embedding model",
        "model_bundled": "bundled: all-MiniLM-L6-v2 (offline, English only)",
        "model_custom": "other: a Hugging Face id or a local folder",
        "custom_model": "Model id or folder",
        "loading_model": "Loading {model}… the first time may download it.",
        "model_failed": "The model {model} could not be loaded: {cause}",
        "model_failed_hint": (
            "Pick another model in the sidebar. Your knowledge base and query are kept."
        ),
        "model_failed_hint_lesson": (
            "Pick another model on the 🛠️ Workbench page (its sidebar). Your knowledge base "
            "and query are kept."
        ),
        "model_needs_download": "{model} · needs a download (~{size})",
        "ready": "Vector space ready",
        "info_model": "Model",
        "info_device": "Device",
        "info_dtype": "Precision",
        "info_dim": "Dimensions",
        "info_load_line": "Load time: {seconds:.1f} s ({how})",
        "load_how_bundled": "bundled",
        "load_how_local_folder": "local folder",
        "load_how_hub_cache": "Hugging Face cache",
        "load_how_downloaded": "downloaded",
        "load_how_remote": "remote",
        "info_max_length": "Token cap",
        "fallback": "auto fell back to {model} ({why}). {fix}",
        "engine_notice": "Note: {notice}",
        "tok_remote": (
            "{model} runs on the server at {url}, which does not share its tokenizer, so its "
            "tokens cannot be shown here. Load the model locally (unset SEMSEARCH_EMBED_URL) to "
            "see them."
        ),
        "settings_header": "Encoding settings",
        "dim": "Output dimension",
        "dim_help": (
            "Matryoshka (MRL): keep the first d values of each vector and re-normalise. "
            "Qwen3-Embedding was trained for this; MiniLM was not, so it loses more."
        ),
        "max_length": "Token cap per text",
        "max_length_help": "Longer texts are cut to this many tokens; the page says which.",
        "instruction": "Query instruction (task)",
        "instruction_help": (
            "Queries are encoded as 'Instruct: {{task}}\\nQuery:{{query}}'; documents carry "
            "no instruction. Write it in English. Empty means no instruction."
        ),
        "instruction_reset": "Reset instruction",
        "instruction_unused": "This model takes no instruction: queries are encoded as typed.",
        "kb_header": "Knowledge base",
        "sample": "Sample",
        "load_sample": "Load sample",
        "kb_text": "One text per line",
        "kb_help": "Blank lines are ignored. Each line is encoded once and cached.",
        "kb_count": "{count:# line|# lines}",
        "query_header": "Query",
        "query": "Your question",
        "query_placeholder": "Ask in your own words",
        "search": "Search",
        "threshold": "Similarity threshold",
        "threshold_help": "Only results scoring at least this are shown.",
        "top_k": "Top-k",
        "top_k_help": "Show at most this many results.",
        "per_document": "One result per document",
        "per_document_help": (
            "On: a record or paragraph cut into several passages is one result, ranked by its "
            "best passage (MaxP, as semsearch search does). Off: every passage ranks on its own "
            "(as semsearch search --passages)."
        ),
        "more_passages": (
            "+ {count:# more passage|# more passages} of this document found (best {best}); "
            "switch off “One result per document” to list {count:it|them}."
        ),
        "more_passages_lesson": (
            "+ {count:# more passage|# more passages} of this document found (best {best})."
        ),
        "need_kb": "Add at least one line to the knowledge base first.",
        "need_query": "Type a question first.",
        "encoding": "Encoding {done}/{total:# line|# lines}…",
        "search_failed": "The search failed: {cause}",
        "results_header": "Results",
        "results_for": "Results for: {query}",
        "search_stats": (
            "{encoded:# line|# lines} encoded, {reused} from the cache · {seconds:.2f} s"
        ),
        "rank": "#{rank}",
        "tier_strong": "strong match",
        "tier_related": "related",
        "tier_weak": "weak",
        "score_line": "{score} · {tier}",
        "none_pass": (
            "No line reaches the threshold {threshold:.2f}. The best score is {best:.4f}, for:"
        ),
        "stale": (
            "The knowledge base, query or model changed since these results. "
            "Press Search to update them."
        ),
        "stale_no_kb": (
            "These results are from the last search; the knowledge base is empty now. Add "
            "lines, then press Search."
        ),
        "stale_no_query": (
            "These results are from the last search; the question is empty now. Type one, "
            "then press Search."
        ),
        "truncated": (
            "{count:# line is|# lines are} longer than {cap} tokens; the model read only "
            "{count:its|their} start:"
        ),
        "truncated_line": "line {index}: {tokens} tokens",
        "query_truncated": "The query has {tokens} tokens; only the first {cap} were read.",
        "hint_start": "Press Search to rank the knowledge base against your question.",
        "behind": "Behind the scenes: the vectors",
        "behind_empty": "Run a search to see the query's vector.",
        "vector_dim": "The query became a vector of **{dim}** numbers (the model's output size).",
        "model_input": "Exactly what the model read for the query:",
        "first_values": "Its first {count} values:",
        "chart_head": "First {count} values",
        "chart_hist": "All {dim} values: how they are spread",
        "vector_norm": (
            "Length (L2 norm): {norm:.4f} · smallest {minimum:.4f} · largest {maximum:.4f}"
        ),
        "kb_matrix": "Knowledge-base matrix: {rows} × {dim}. Score = dot product = cosine.",
        "dimension": "dimension",
        "value": "value",
        "count": "count",
        "why_header": "Why these results?",
        "answer_stale": (
            "This answer was made from another search (question: {query}) or other results: "
            "press “Answer from these results” to make it again from the results above."
        ),
        "why_caption_lesson": (
            "{count} ways to look inside the search; each reads the vectors already computed."
        ),
        "why_caption": (
            "{count} ways to look inside the search. Each view reads the vectors already "
            "computed; only the Compare view encodes the knowledge base again, with the other "
            "model."
        ),
        "tab_keywords": "Keyword vs meaning",
        "tab_map": "Embedding map",
        "tab_heatmap": "Similarity heatmap",
        "tab_tokens": "Tokens",
        "tab_calibrate": "Calibrate the threshold",
        "tab_compare": "Compare models",
        "kw_intro": (
            "BM25 ranks lines by shared words (English by their stems, so charge finds "
            "charging; Chinese cut into words by jieba; no synonyms); the model ranks them by "
            "meaning. Lines only one of them finds are marked."
        ),
        "kw_meaning": "By meaning (the model)",
        "kw_keywords": "By keywords (BM25)",
        "kw_hybrid": "Hybrid: reciprocal rank fusion of both",
        "kw_show_hybrid": "Show a hybrid ranking",
        "kw_only_meaning": "only meaning",
        "kw_only_keywords": "only keywords",
        "kw_both": "both",
        "kw_neither": "neither (outside both top lists)",
        "kw_none": "No line shares a word with the query.",
        "kw_lesson": (
            "{count:# line|# lines} found by meaning {count:shares|share} no word with the "
            "query: keyword search would miss {count:it|them}."
        ),
        "kw_chart": "Each line: keyword score (BM25) against meaning score (cosine)",
        "kw_indexing": "Indexing {count:# line|# lines} for keyword search…",
        "col_rank": "#",
        "col_line": "line",
        "col_text": "text",
        "col_score": "score",
        "col_found": "found by",
        "col_terms": "shared words",
        "col_bm25": "BM25",
        "col_cosine": "cosine",
        "map_intro": (
            "Every line as a point, the query as a red diamond: close points have similar vectors. "
            "Colour is the score; ringed points pass the threshold; #1, #2… are the results above. "
            "Scroll to zoom, drag to pan."
        ),
        "map_method": "Projection",
        "map_sampled": (
            "{total} lines: {method} draws a sample of {shown} (the 100 best always included); "
            "PCA draws up to 50,000."
        ),
        "map_too_few": "A map needs at least 3 lines.",
        "map_query": "query",
        "map_passes": "≥ threshold",
        "map_below": "below threshold",
        "heat_intro": "Cosine similarity between the query and each line, and between lines.",
        "heat_limited": "Showing the {shown} best-scoring of {total} lines.",
        "heat_query": "Query x knowledge base",
        "heat_kb": "Knowledge base x knowledge base",
        "tok_intro": (
            "What the model actually reads. Qwen3 queries carry an instruction; documents go in "
            "as typed. Each piece is one token; the model sees at most {cap} per text."
        ),
        "tok_with": "Query with the instruction: {count:# token|# tokens}",
        "tok_without": "Query without the instruction: {count:# token|# tokens}",
        "tok_plain": "The query: {count:# token|# tokens} (this model takes no instruction)",
        "tok_cut": "Longer than {cap} tokens: the model read only the first {cap}.",
        "tok_scores": "Score of each top result with the instruction and without it",
        "tok_no_results": "Run a search with at least one result to compare scores.",
        "tok_lengths": "Tokens per knowledge-base line (the dashed line is the cap, {cap})",
        "tok_lengths_under": "Tokens per knowledge-base line (all far under the cap, {cap})",
        "tok_axis": "tokens",
        "tok_lines": "lines",
        "col_token": "token",
        "col_with": "with instruction",
        "col_without": "without",
        "col_change": "change",
        "cal_intro": (
            "Mark results as relevant or not (here, for any query you search, or by uploading a "
            "CSV of query,text,relevant). Precision, recall and F1 at every threshold follow."
        ),
        "cal_table": "Label the top {count:# line|# lines} for this query",
        "cal_label": "label",
        "cal_relevant": "relevant",
        "cal_not_relevant": "not relevant",
        "cal_upload": "Upload labels (CSV: query,text,relevant)",
        "cal_uploaded": "{count:# label|# labels} read from {name}.",
        "cal_bad_file": "{name}: {cause}",
        "cal_count": (
            "{count:# labelled pair|# labelled pairs} over {queries:# query|# queries} "
            "({positives} relevant)."
        ),
        "cal_need": "Label at least one relevant and one not-relevant result to see the curves.",
        "cal_encoding": (
            "Encoding {count:# labelled text|# labelled texts} that are not in the knowledge base…"
        ),
        "cal_chart": "Precision, recall and F1 by threshold",
        "cal_best": (
            "Best F1 {f1:.3f} at threshold {threshold:.4f}. On the slider's steps the best is "
            "{grid:.2f} (F1 {grid_f1:.3f})."
        ),
        "cal_apply": "Use {value:.2f} as the threshold",
        "cal_clear": "Clear all labels",
        "metric": "metric",
        "threshold_axis": "threshold",
        "cmp_intro": (
            "Rank the same knowledge base with another model and see how far the two agree."
        ),
        "cmp_model": "Other model",
        "cmp_run": "Compare",
        "cmp_same": "Pick a model other than the one in use.",
        "cmp_encoding": "Encoding {done}/{total:# line|# lines} with {model}…",
        "cmp_failed": "The model {model} could not be compared: {cause}",
        "cmp_overlap": "Overlap of the top {k}",
        "cmp_spearman": "Spearman rank correlation over all lines",
        "cmp_chart": "Each line: score by {a} against score by {b}",
        "cmp_stale": "The search changed since this comparison. Press Compare again.",
        "files_header": "Files",
        "files_upload": (
            "Add .txt, .md, .html, .docx, .csv, .tsv or .pdf files, text without an "
            "extension (README), or any of them as .gz"
        ),
        "chunk_mode": "Split into passages by",
        "chunk_line": "line",
        "chunk_paragraph": "paragraph",
        "chunk_window": "token window",
        "chunk_window_size": "Window (tokens)",
        "chunk_overlap": "Overlap (tokens)",
        "chunk_help": (
            "Passages longer than the model's token cap are always split into overlapping "
            "windows, never cut."
        ),
        "csv_column": "Column to search",
        "file_passages": "{name}: {count:# passage|# passages}",
        "file_failed": "{cause} The other files were added.",
        "classroom_bases": (
            "Classroom server: saved knowledge bases can be opened here; they are made and "
            "deleted with `semsearch index` and `semsearch delete` on the server."
        ),
        "classroom_cache": (
            "Classroom server: the vector cache is shared by the class and cleared only with "
            "`semsearch cache clear` on the server."
        ),
        "delete_confirm": "Yes, delete {name} for everyone using this server",
        "file_nul_name": (
            "A file name holds a NUL character, which no real file name can: the file was "
            "not read. Rename it and add it again."
        ),
        "kb_total": "{total:# passage|# passages}: {typed} typed, {files} from files",
        "saved_header": "Saved knowledge bases",
        "save_name": "Name",
        "save_button": "Save",
        "save_replace": "Replace the saved base of that name",
        "saved_ok": "Saved '{name}': {count:# passage|# passages}, {model}, {dim} dimensions.",
        "save_empty": "Nothing to save: the knowledge base is empty.",
        "save_failed": "Could not save: {cause}",
        "saved_pick": "Saved bases",
        "saved_none": "No knowledge base is saved yet. Saved bases live in {folder}.",
        "saved_info": (
            "{count:# passage|# passages} · {model} · {dim} dimensions · updated {updated}"
        ),
        "open_button": "Open",
        "delete_button": "Delete",
        "opened": (
            "Opened '{name}': {count:# passage|# passages}, with their vectors (nothing to encode)."
        ),
        "open_failed": "Could not open '{name}': {cause}",
        "put_aside": (
            "The {count:# line|# lines} you had typed {count:is|are} put aside: “Put back my "
            "typed lines” (under the text box) returns {count:it|them}."
        ),
        "put_back": "Put back my typed lines ({count})",
        "deleted": "Deleted '{name}'.",
        "text_not_kept": (
            "This text ({size}) is more than a page keeps between visits ({limit}): it is "
            "searched now, but a reload will not bring it back. Save it as a knowledge base "
            "to keep it."
        ),
        "files_not_kept": (
            "Not kept for your next visit (a page keeps {limit} of its files' text): "
            "{names}. {count:It is|They are} searched now; after a reload, add "
            "{count:it|them} again."
        ),
        "deleted_kept": (
            "Deleted '{name}'. It is kept until {until}: Restore below brings it back."
        ),
        "restore_pick": "Deleted bases (kept {days:# day|# days})",
        "restore_item": "{name} · deleted {deleted}",
        "restore_button": "Restore",
        "restored": "Restored '{name}': {count:# passage|# passages}.",
        "restore_failed": "Could not restore '{name}': {cause}",
        "opened_from": "From the saved base '{name}'",
        "opened_in_store": (
            "Opened '{name}': {count} passages, searched where they are stored (too many to "
            "copy into the page)."
        ),
        "searching_store": (
            "Searching the saved base '{name}' ({count} passages) in its store. The text box "
            "and files are not searched while it is open."
        ),
        "passages_count": "{count:# passage|# passages}",
        "info_engine": "Engine",
        "engine_remote": "remote (an OpenAI-compatible embedding server)",
        "info_server": "Server",
        "export_in_store": (
            "The vectors of '{name}' stay in its store: `semsearch copy` moves the whole base, "
            "vectors and all, to another store."
        ),
        "base_scope": (
            "Searched all {total} passages of '{base}'. The results are exact; the views below "
            "work on its {candidates} best passages for this query and {sampled} more drawn "
            "at random."
        ),
        "close_base": "Close",
        "export_header": "Export",
        "export_results_csv": "Results as CSV",
        "export_results_json": "Results as JSON",
        "export_npy": "Vectors .npy + texts (zip)",
        "export_parquet": "Vectors + texts (.parquet)",
        "answer_header": "Answer",
        "answer_button": "Answer from these results",
        "answer_help": (
            "A language model answers from the results above (at or above the threshold, at "
            "most top-k), citing them as [1], [2]… Set SEMSEARCH_LLM or SEMSEARCH_LLM_BASE_URL "
            "to choose it."
        ),
        "answer_loading": "Loading the language model…",
        "answer_failed": "No answer: {cause}",
        "answer_fix_offline": (
            "The language model is downloaded once, then works offline: run `{command}` while "
            "online, then ask again. Or answer with a model you have: SEMSEARCH_LLM=FOLDER (a "
            "local model folder), or SEMSEARCH_LLM_BASE_URL=URL for an OpenAI-compatible "
            "server (vLLM, Ollama); set it before starting the page."
        ),
        "answer_sources": "Sources given to the model (cited ones marked ✓):",
        "rerank": "Rerank with Qwen3-Reranker",
        "rerank_help": (
            "A second stage: the reranker reads the query with each of the top candidates and "
            "judges yes/no; results are ordered by its score. Set SEMSEARCH_RERANKER to choose it."
        ),
        "rerank_candidates": "Candidates to rerank",
        "rerank_loading": "Loading the reranker…",
        "rerank_failed": "Reranking is off: {cause}",
        "rerank_score": "reranker {score}",
        "origin": "from {origin}",
        "in_use": "Model in use: {model} ({how})",
        "how_bundled": "bundled with semsearch",
        "how_cache": "from the Hugging Face cache",
        "how_folder": "from a local folder",
        "how_downloaded": "downloaded",
        "how_given": "loaded by hand",
        "how_remote": "served by {url}",
        "how_fallback": "{how}; auto fell back to it",
        "auto_would": "auto: {model} here, else the bundled model",
        "auto_server": "auto: the server's only model",
        "auto_served": "auto → {model} (served by {url})",
        "auto_resolved": "auto → {model} ({why})",
        "auto_gpu": "a GPU is here",
        "auto_cpu": "no GPU: the small Qwen3",
        "auto_fell_back": "auto → {model} ({why})",
        "auto_why_offline": "{model} not cached: offline",
        "auto_why_missing": "{model} not found",
        "auto_why_download": "{model}: download failed",
        "auto_why_memory": "{model} did not fit in memory",
        "auto_why_error": "{model} failed to load",
        "fallback_fix_offline": "To use it, run `{command}` once while online, then reload.",
        "fallback_fix_missing": "Check the model name (SEMSEARCH_MODEL).",
        "fallback_fix_download": "Retry, or run `{command}` yourself.",
        "fallback_fix_memory": "Free memory, or choose a smaller model {where}.",
        "where_sidebar": "in the sidebar",
        "where_workbench": "on the 🛠️ Workbench page",
        "fallback_fix_error": "The cause: {cause}",
        "lang_en": "English",
        "lang_zh": "Chinese",
        "list_sep": ", ",
        "fit_lines": "{count} of {total:# line|# lines}",
        "fit_query": "the query",
        "fit_query_and": "the query and {lines}",
        "fit_script": (
            "{model} cannot read {what}: it reads {languages} only (its model card says so), "
            "and {share:.0%} of the letters are {script}. Its scores here say little."
        ),
        "fit_unknown": (
            "{model} cannot read {what}: {share:.0%} of the tokens are unknown to it. "
            "Its scores here say little."
        ),
        "fit_fix_pick": (
            "Two ways out: rank this search by keywords (BM25, jieba for Chinese) with the "
            "switch below, or choose {model} {where} (it reads 100+ languages)."
        ),
        "fit_fix_download": (
            "Two ways out: rank this search by keywords (BM25, jieba for Chinese) with the "
            "switch below, or run `{command}` once while online, then choose {model} {where} "
            "(it reads 100+ languages)."
        ),
        "fit_keywords_toggle": "Rank this search by keywords (BM25) instead",
        "score_unread": "{score} · no tier: the model cannot read this",
        "kw_unread": (
            "The model cannot read these lines or the query: what it finds here is no evidence "
            "that meaning beats keywords."
        ),
        "script_Han": "Chinese characters",
        "script_Hangul": "Korean Hangul",
        "script_Hiragana": "Japanese kana",
        "script_Katakana": "Japanese kana",
        "script_Cyrillic": "Cyrillic",
        "script_Arabic": "Arabic script",
        "script_Greek": "Greek",
        "script_Hebrew": "Hebrew",
        "script_Devanagari": "Devanagari",
        "script_Thai": "Thai",
        "sample_unreadable": "{title} · the model in use cannot read it",
        "cmp_none": "No other model can run here without a download.",
        "cmp_more": (
            "More models: run `{command}` once while online (it then appears here), or choose "
            "“{custom}” and give a model folder."
        ),
        "cmp_cached": "{model} (Hugging Face cache)",
        "csv_columns": "Columns the model reads",
        "csv_help": 'Several columns are read as "column: value" lines; the other columns '
        "are kept with each passage, shown with each result and exported.",
        "file_read": "{name} ({encoding}): {count} passages",
        "memory_header": "Kept between visits",
        "memory_explain": (
            "Vectors are kept on disk by model and text: a reload or a restart encodes nothing "
            "already seen. Your knowledge base, query, labels and the passages of your files "
            "are kept under this page's link (the id in the address bar): bookmark it to come "
            "back to them."
        ),
        "cache_info": "Vector cache: {vectors} vectors, {size} of {limit}",
        "cache_clear": "Clear the vector cache",
        "cache_cleared": "{count} vectors removed from the disk cache.",
        "cache_read_only": (
            "The data folder is read-only: vectors already kept there are used, new ones last "
            "for this visit only. Set SEMSEARCH_DATA_DIR to a writable folder to keep them."
        ),
        "cache_off": (
            "The disk cache is off: every visit encodes its texts again. Set SEMSEARCH_DATA_DIR "
            "to a writable folder (and SEMSEARCH_CACHE_MAX above 0) to keep vectors."
        ),
        "memory_off": (
            "This page's text, query and labels are not kept for your next visit: the data "
            "folder cannot be written. Set SEMSEARCH_DATA_DIR to a writable folder."
        ),
        "kept_files": (
            "From an earlier visit (the browser forgets uploaded files on reload; their "
            "passages are kept here):"
        ),
        "forget_files": "Forget these files",
        "cal_download": "Download labels (CSV)",
        "cal_kept": "Labels are kept for this page between visits; download them to share.",
        "precision_exact": (
            "Scores computed in fp32: the scores sentence-transformers prints, to 4 decimals."
        ),
        "precision_half_gpu": (
            "Scores computed in {dtype} on {device}: Qwen3-Embedding's own precision (it was "
            "trained in bf16); sentence-transformers in fp32 may differ by up to ~0.005."
        ),
        "precision_half_cpu": (
            "Scores computed in {dtype}, as asked (SEMSEARCH_DTYPE): faster, but up to ~0.005 "
            "from sentence-transformers' fp32 scores. Unset it for exact scores."
        ),
        "precision_server": "Scores computed by the embedding server, in its own precision.",
        "filter_header": "Filter by source or metadata",
        "filter_typed": "(typed lines)",
        "filter_empty": "(empty)",
        "filter_active": "Searching {kept} of {total} passages: {where}",
        "filter_none_match": "No passage matches the filter; clear a choice to search again.",
        "filter_store": (
            "Filters apply to passages on the page; a base searched in its store is filtered "
            "from the command line: semsearch search --name … --where field=value."
        ),
        "tab_eval": "Does it work on my data?",
        "eval_caption": (
            "Your relevance labels (the Calibrate tab: label results, or load a query,text,"
            "relevant CSV) as judgements: for each labelled query, every method ranks all "
            "{passages} passages. recall@{k}: share of the relevant passages in the top {k}; "
            "MRR@10: 1 / rank of the first relevant one; nDCG@10: the top 10's order against "
            "the best possible. Computed by pytrec_eval (TREC's trec_eval)."
        ),
        "eval_none": (
            "No labelled query yet. Label results as relevant in the Calibrate tab (or load a "
            "labels CSV there), then come back: the model, BM25 and the hybrid are compared "
            "on them."
        ),
        "eval_scope": (
            "This base is searched in its store: the evaluation ranks only the {count} "
            "passages this search holds, not the whole base (the command line's semsearch "
            "eval --name ranks all of it)."
        ),
        "eval_unmatched": "{count} labels name texts not among these passages; they are left out.",
        "eval_method": "Method",
        "eval_model": "Embedding model",
        "eval_bm25": "BM25 (keywords)",
        "eval_hybrid": "Hybrid (RRF)",
        "eval_reranker": "Reranker",
        "eval_queries": "{count:# labelled query|# labelled queries}",
        "eval_misses": "Missed in the top {k}",
        "eval_no_misses": "Every method found every relevant passage in its top {k}.",
        "eval_rank": "Rank",
        "eval_not_ranked": "not ranked",
        "eval_query": "Query",
        "search_reranked": (
            "Ranked again from the vectors of the last search: nothing was encoded."
        ),
        "map_method_help": (
            "PCA: fast, keeps the main directions. UMAP and t-SNE keep neighbourhoods, so "
            "clusters show better, but distances between clusters mean little; they are slower."
        ),
        "map_colour": "Colour by",
        "map_colour_score": "score",
        "map_colour_source": "source file",
        "map_source": "source",
        "map_typed": "typed on the page",
        "map_ring": "threshold",
        "map_projecting": "Projecting {count:# line|# lines} with {method}…",
        "map_projecting_first": (
            "Projecting {count:# line|# lines} with {method}… Its first map since the server "
            "started compiles its code once: up to a minute on a small machine. Later maps take "
            "seconds."
        ),
        "map_click": (
            "Click a point to list its nearest neighbours (they get an orange ring); click the "
            "background to clear. Red lines join the query to its results."
        ),
        "map_neighbours": "**Nearest neighbours of line {line}:**",
        "upload_button": "Upload",
        "upload_limit": "{size} MB per file · {types}",
        "heat_text_column": "text (column)",
        "heat_text_row": "text (row)",
        "metric_precision": "precision",
        "metric_recall": "recall",
        "metric_value": "value",
        "page_failed": "Something went wrong on this page; what you typed is kept. Try "
        "again, or reload the page. (The details are in the server's log.)",
    },
    "zh": {
        "page_title": "语义搜索",
        "page_switch": "页面",
        "page_lesson": "📖 课堂",
        "page_workbench": "🛠️ 工作台",
        "lesson_caption": ("每段文本都变成一个向量;向量方向与问题最接近的行排在最前。"),
        "lesson_model_failed": "模型 {model} 无法加载:{cause}。请在工作台上选择另一个模型。",
        "score_means": (
            "这个数字的含义:问题与这一行的向量(长度都为 1)的余弦相似度:1 = 方向相同,0 = 毫不相关。"
            "≥ {strong} 高度相关 · {related}–{strong} 相关 · < {related} 弱相关。"
        ),
        "score_means_unread": (
            "这个数字的含义:问题与这一行的向量(长度都为 1)的余弦相似度:1 = 方向相同,0 = 毫不相关。"
            "但这里它说明不了什么:模型读不懂这些文字,所以不给相关程度。"
        ),
        "page_caption": (
            "左侧输入知识库,右侧用自己的话提问,看看哪些句子意思相同:"
            "文本被编码成向量,距离最近的向量胜出。"
        ),
        "language": "语言",
        "model_header": "模型",
        "model_choice": "嵌入模型",
        "model_bundled": "bundled:all-MiniLM-L6-v2(离线,仅英文)",
        "model_custom": "其他:Hugging Face 模型 id 或本地文件夹",
        "custom_model": "模型 id 或文件夹",
        "loading_model": "正在加载 {model}… 首次使用可能需要下载。",
        "model_failed": "无法加载模型 {model}:{cause}",
        "model_failed_hint": "请在侧边栏选择其他模型。知识库和查询内容都会保留。",
        "model_failed_hint_lesson": (
            "请在 🛠️ 工作台页面(侧边栏)选择其他模型。知识库和查询内容都会保留。"
        ),
        "model_needs_download": "{model} · 需要下载(约 {size})",
        "ready": "向量空间已就绪",
        "info_model": "模型",
        "info_device": "设备",
        "info_dtype": "精度",
        "info_dim": "维度",
        "info_load_line": "加载耗时:{seconds:.1f} 秒({how})",
        "load_how_bundled": "内置",
        "load_how_local_folder": "本地文件夹",
        "load_how_hub_cache": "Hugging Face 缓存",
        "load_how_downloaded": "已下载",
        "load_how_remote": "远程",
        "info_max_length": "长度上限",
        "fallback": "auto 回退到了 {model}({why})。{fix}",
        "engine_notice": "提示:{notice}",
        "tok_remote": (
            "{model} 运行在服务器 {url} 上,服务器不提供它的分词器,因此这里无法显示分词。"
            "在本机加载该模型(不设置 SEMSEARCH_EMBED_URL)即可查看。"
        ),
        "settings_header": "编码设置",
        "dim": "输出维度",
        "dim_help": (
            "Matryoshka(MRL):保留每个向量的前 d 个值并重新归一化。"
            "Qwen3-Embedding 为此训练过;MiniLM 没有,损失更大。"
        ),
        "max_length": "每条文本的 token 上限",
        "max_length_help": "更长的文本会被截断到这个长度,页面会提示是哪几行。",
        "instruction": "查询指令(任务)",
        "instruction_help": (
            "查询按 'Instruct: {{task}}\\nQuery:{{query}}' 编码,文档不加指令。"
            "指令请用英文书写。留空表示不加指令。"
        ),
        "instruction_reset": "恢复默认指令",
        "instruction_unused": "该模型不使用指令:查询按原文编码。",
        "kb_header": "知识库",
        "sample": "示例",
        "load_sample": "载入示例",
        "kb_text": "每行一条文本",
        "kb_help": "空行会被忽略。每行只编码一次并缓存。",
        "kb_count": "共 {count} 行",
        "query_header": "查询",
        "query": "你的问题",
        "query_placeholder": "用自己的话提问",
        "search": "开始搜索",
        "threshold": "相似度阈值",
        "threshold_help": "只显示得分不低于该值的结果。",
        "top_k": "最多显示",
        "top_k_help": "最多显示的结果条数。",
        "per_document": "每个文档一条结果",
        "per_document_help": (
            "开:被切成多段的记录或段落算作一条结果,按其最佳片段排序"
            "(MaxP,与 semsearch search 相同)。"
            "关:每个片段各自排序(与 semsearch search --passages 相同)。"
        ),
        "more_passages": (
            "+ 该文档另有 {count} 个片段被找到(最高 {best});关闭“每个文档一条结果”即可逐条列出。"
        ),
        "more_passages_lesson": "+ 该文档另有 {count} 个片段被找到(最高 {best})。",
        "need_kb": "请先在知识库中至少输入一行。",
        "need_query": "请先输入问题。",
        "encoding": "正在编码 {done}/{total} 行…",
        "search_failed": "搜索失败:{cause}",
        "results_header": "匹配结果",
        "results_for": "查询:{query}",
        "search_stats": "新编码 {encoded} 行,缓存命中 {reused} 行 · {seconds:.2f} 秒",
        "rank": "第 {rank} 名",
        "tier_strong": "高度相关",
        "tier_related": "相关",
        "tier_weak": "弱相关",
        "score_line": "{score} · {tier}",
        "none_pass": "没有结果达到阈值 {threshold:.2f}。最高分为 {best:.4f},对应:",
        "stale": "知识库、查询或模型在本次结果之后有改动。点击“开始搜索”更新结果。",
        "stale_no_kb": "这些是上一次搜索的结果;知识库现在是空的。请先输入几行,再点击“开始搜索”。",
        "stale_no_query": "这些是上一次搜索的结果;问题现在是空的。请先输入问题,再点击“开始搜索”。",
        "truncated": "{count} 行超过 {cap} 个 token,模型只读取了开头部分:",
        "truncated_line": "第 {index} 行:{tokens} 个 token",
        "query_truncated": "查询有 {tokens} 个 token,只读取了前 {cap} 个。",
        "hint_start": "点击“开始搜索”,用你的问题检索知识库。",
        "behind": "幕后数据:向量",
        "behind_empty": "先搜索一次,才能看到查询向量。",
        "vector_dim": "查询被编码成 **{dim}** 个数字组成的向量(模型的输出维度)。",
        "model_input": "模型实际读取的查询文本:",
        "first_values": "前 {count} 个值:",
        "chart_head": "前 {count} 维的数值",
        "chart_hist": "全部 {dim} 个值的分布",
        "vector_norm": "长度(L2 范数):{norm:.4f} · 最小 {minimum:.4f} · 最大 {maximum:.4f}",
        "kb_matrix": "知识库矩阵:{rows} × {dim}。得分 = 点积 = 余弦相似度。",
        "dimension": "维度",
        "value": "数值",
        "count": "个数",
        "why_header": "为什么是这些结果?",
        "answer_stale": (
            "这个回答来自另一次搜索(问题:{query})或另一组结果:"
            "请点击“根据这些结果回答”,根据上面的结果重新生成。"
        ),
        "why_caption_lesson": "{count} 种方式看清搜索的内部;每个视图都读取已算好的向量。",
        "why_caption": (
            "{count} 种方式看清搜索的内部。每个视图都读取已算好的向量;"
            "只有“模型对比”会用另一个模型重新编码知识库。"
        ),
        "tab_keywords": "关键词 vs 语义",
        "tab_map": "向量地图",
        "tab_heatmap": "相似度热力图",
        "tab_tokens": "分词",
        "tab_calibrate": "校准阈值",
        "tab_compare": "模型对比",
        "kw_intro": (
            "BM25 按共同的词排序(英文按词干,charge 能找到 charging;中文用 jieba 分词;"
            "没有同义词);模型按意思排序。"
            "只被其中一种方法找到的行会被标出。"
        ),
        "kw_meaning": "按语义(模型)",
        "kw_keywords": "按关键词(BM25)",
        "kw_hybrid": "混合:两者的倒数排名融合(RRF)",
        "kw_show_hybrid": "显示混合排序",
        "kw_only_meaning": "仅语义",
        "kw_only_keywords": "仅关键词",
        "kw_both": "两者",
        "kw_neither": "都没有(不在两个列表中)",
        "kw_none": "没有任何一行与查询有相同的词。",
        "kw_lesson": "语义找到的结果中有 {count} 行与查询没有任何相同的词:关键词搜索会漏掉它们。",
        "kw_chart": "每一行:关键词得分(BM25)与语义得分(余弦)",
        "kw_indexing": "正在为 {count} 行建立关键词索引…",
        "col_rank": "#",
        "col_line": "行",
        "col_text": "文本",
        "col_score": "得分",
        "col_found": "找到方式",
        "col_terms": "相同的词",
        "col_bm25": "BM25",
        "col_cosine": "余弦",
        "map_intro": (
            "每一行是一个点,查询是红色菱形:越近的点向量越相似。颜色表示得分;带圈的点超过阈值;"
            "#1、#2… 是上面的结果。"
            "滚动缩放,拖动平移。"
        ),
        "map_method": "投影方法",
        "map_sampled": (
            "共 {total} 行:{method} 只绘制其中 {shown} 行的样本(得分最高的 100 行总在其中);PCA "
            "最多可绘制 50,000 行。"
        ),
        "map_too_few": "地图至少需要 3 行。",
        "map_query": "查询",
        "map_passes": "≥ 阈值",
        "map_below": "低于阈值",
        "heat_intro": "查询与每一行、以及行与行之间的余弦相似度。",
        "heat_limited": "显示 {total} 行中得分最高的 {shown} 行。",
        "heat_query": "查询 × 知识库",
        "heat_kb": "知识库 × 知识库",
        "tok_intro": (
            "模型实际读到的内容。Qwen3 的查询带有指令;文档按原文输入。"
            "每一块是一个 token;每条文本最多读取 {cap} 个。"
        ),
        "tok_with": "带指令的查询:{count} 个 token",
        "tok_without": "不带指令的查询:{count} 个 token",
        "tok_plain": "查询:{count} 个 token(该模型不使用指令)",
        "tok_cut": "超过 {cap} 个 token:模型只读取了前 {cap} 个。",
        "tok_scores": "每个靠前结果在带指令与不带指令时的得分",
        "tok_no_results": "先搜索出至少一个结果,才能比较得分。",
        "tok_lengths": "知识库每行的 token 数(虚线为上限 {cap})",
        "tok_lengths_under": "知识库每行的 token 数(都远低于上限 {cap})",
        "tok_axis": "token 数",
        "tok_lines": "行数",
        "col_token": "token",
        "col_with": "带指令",
        "col_without": "不带指令",
        "col_change": "变化",
        "cal_intro": (
            "把结果标为相关或不相关"
            "(可在这里对任意查询标注,也可上传 query,text,relevant 格式的 CSV)。"
            "随后显示每个阈值下的精确率、召回率和 F1。"
        ),
        "cal_table": "为本次查询标注排名前 {count} 的行",
        "cal_label": "标注",
        "cal_relevant": "相关",
        "cal_not_relevant": "不相关",
        "cal_upload": "上传标注(CSV:query,text,relevant)",
        "cal_uploaded": "从 {name} 读取了 {count} 条标注。",
        "cal_bad_file": "{name}:{cause}",
        "cal_count": "共 {count} 对标注,涉及 {queries} 个查询(其中 {positives} 对相关)。",
        "cal_need": "至少标注一个相关和一个不相关的结果,才能看到曲线。",
        "cal_encoding": "正在编码 {count} 条不在知识库中的标注文本…",
        "cal_chart": "各阈值下的精确率、召回率和 F1",
        "cal_best": (
            "最佳 F1 为 {f1:.3f},阈值 {threshold:.4f}。"
            "按滑块的步长,最佳为 {grid:.2f}(F1 {grid_f1:.3f})。"
        ),
        "cal_apply": "把阈值设为 {value:.2f}",
        "cal_clear": "清除所有标注",
        "metric": "指标",
        "threshold_axis": "阈值",
        "cmp_intro": "用另一个模型对同一个知识库排序,看看两者有多一致。",
        "cmp_model": "另一个模型",
        "cmp_run": "开始对比",
        "cmp_same": "请选择与当前不同的模型。",
        "cmp_encoding": "正在用 {model} 编码 {done}/{total} 行…",
        "cmp_failed": "无法用模型 {model} 对比:{cause}",
        "cmp_overlap": "前 {k} 名的重合度",
        "cmp_spearman": "所有行的 Spearman 等级相关系数",
        "cmp_chart": "每一行:{a} 的得分与 {b} 的得分",
        "cmp_stale": "搜索在这次对比之后有改动。请再次点击“开始对比”。",
        "files_header": "文件",
        "files_upload": (
            "添加 .txt、.md、.html、.docx、.csv、.tsv 或 .pdf 文件、无扩展名的文本(README)"
            "或它们的 .gz 压缩文件"
        ),
        "chunk_mode": "切分段落的方式",
        "chunk_line": "按行",
        "chunk_paragraph": "按段落",
        "chunk_window": "按 token 窗口",
        "chunk_window_size": "窗口(token)",
        "chunk_overlap": "重叠(token)",
        "chunk_help": "超过模型 token 上限的段落总会被切成相互重叠的窗口,绝不截断。",
        "csv_column": "要搜索的列",
        "file_passages": "{name}:{count} 段",
        "file_failed": "{cause} 其他文件已添加。",
        "classroom_bases": (
            "课堂服务器:这里可以打开已保存的知识库;知识库由服务器上的 `semsearch index` 创建、"
            "由 `semsearch delete` 删除。"
        ),
        "classroom_cache": (
            "课堂服务器:向量缓存由全班共享,只能在服务器上用 `semsearch cache clear` 清除。"
        ),
        "delete_confirm": "是的,为使用此服务器的所有人删除 {name}",
        "file_nul_name": (
            "文件名中含有 NUL 字符(真实文件名不可能含有),该文件未读取。请重命名后再添加。"
        ),
        "kb_total": "共 {total} 段:手动输入 {typed} 段,来自文件 {files} 段",
        "saved_header": "已保存的知识库",
        "save_name": "名称",
        "save_button": "保存",
        "save_replace": "覆盖同名的已保存知识库",
        "saved_ok": "已保存 “{name}”:{count} 段,{model},{dim} 维。",
        "save_empty": "知识库为空,没有可保存的内容。",
        "save_failed": "保存失败:{cause}",
        "saved_pick": "已保存的知识库",
        "saved_none": "还没有保存任何知识库。知识库保存在 {folder}。",
        "saved_info": "{count} 段 · {model} · {dim} 维 · 更新于 {updated}",
        "open_button": "打开",
        "delete_button": "删除",
        "opened": "已打开 “{name}”:{count} 段,向量一并载入(无需重新编码)。",
        "open_failed": "无法打开 “{name}”:{cause}",
        "put_aside": "你之前输入的 {count} 行已暂存:点击文本框下方的“恢复我输入的行”即可找回。",
        "put_back": "恢复我输入的行({count})",
        "deleted": "已删除 “{name}”。",
        "text_not_kept": (
            "这段文本({size})超过了页面在两次访问之间保留的上限({limit}):现在可以检索,"
            "但刷新后不会恢复。请把它保存为知识库以便保留。"
        ),
        "files_not_kept": (
            "以下文件不会保留到下次访问(页面最多保留 {limit} 的文件文本):{names}。"
            "现在可以检索这 {count} 个文件;刷新后请重新添加。"
        ),
        "deleted_kept": "已删除 “{name}”。它保留到 {until}:可用下方的“恢复”找回。",
        "restore_pick": "已删除的知识库(保留 {days} 天)",
        "restore_item": "{name} · 删除于 {deleted}",
        "restore_button": "恢复",
        "restored": "已恢复 “{name}”:{count} 段。",
        "restore_failed": "无法恢复 “{name}”:{cause}",
        "opened_from": "来自已保存的知识库 “{name}”",
        "opened_in_store": "已打开 “{name}”:{count} 段,段落太多,不复制到页面,直接在存储中检索。",
        "searching_store": (
            "正在存储中检索已保存的知识库 “{name}”(共 {count} 段)。"
            "打开期间不检索文本框和上传的文件。"
        ),
        "passages_count": "{count} 段",
        "info_engine": "引擎",
        "engine_remote": "远程(兼容 OpenAI 接口的向量服务)",
        "info_server": "服务器",
        "export_in_store": (
            "“{name}” 的向量保存在其存储中:"
            "用 `semsearch copy` 可把整个知识库连同向量复制到另一个存储。"
        ),
        "base_scope": (
            "已检索 “{base}” 的全部 {total} 段,结果精确;下方的分析视图只使用与本次查询最相关的 "
            "{candidates} 段,另加随机抽取的 {sampled} 段。"
        ),
        "close_base": "关闭",
        "export_header": "导出",
        "export_results_csv": "结果(CSV)",
        "export_results_json": "结果(JSON)",
        "export_npy": "向量 .npy + 文本(zip)",
        "export_parquet": "向量 + 文本(.parquet)",
        "answer_header": "回答",
        "answer_button": "根据这些结果回答",
        "answer_help": (
            "语言模型根据上面的结果(不低于阈值,最多 top-k 条)作答,并以 [1]、[2]… 标注出处。"
            "可通过 SEMSEARCH_LLM 或 SEMSEARCH_LLM_BASE_URL 选择模型。"
        ),
        "answer_loading": "正在加载语言模型…",
        "answer_failed": "无法回答:{cause}",
        "answer_fix_offline": (
            "语言模型只需下载一次,之后可离线使用:联网时运行 `{command}`,然后再问一次。"
            "也可以用已有的模型回答:SEMSEARCH_LLM=文件夹(本地模型文件夹),"
            "或 SEMSEARCH_LLM_BASE_URL=URL(兼容 OpenAI 的服务,如 vLLM、Ollama);请在启动页面前设置。"
        ),
        "answer_sources": "提供给模型的来源(被引用的标有 ✓):",
        "rerank": "用 Qwen3-Reranker 重排序",
        "rerank_help": (
            "第二阶段:重排序模型把查询与每个候选一起读,判断是/否,并按其得分排序。"
            "可通过 SEMSEARCH_RERANKER 选择模型。"
        ),
        "rerank_candidates": "参与重排序的候选数",
        "rerank_loading": "正在加载重排序模型…",
        "rerank_failed": "重排序已关闭:{cause}",
        "rerank_score": "重排序 {score}",
        "origin": "来自 {origin}",
        "in_use": "当前模型:{model}({how})",
        "how_bundled": "semsearch 内置",
        "how_cache": "来自 Hugging Face 缓存",
        "how_folder": "来自本地文件夹",
        "how_downloaded": "已下载",
        "how_given": "手动加载",
        "how_remote": "由 {url} 提供",
        "how_fallback": "{how};auto 回退到了它",
        "auto_would": "auto:本机用 {model},不行则用内置模型",
        "auto_server": "auto:服务器上唯一的模型",
        "auto_served": "auto → {model}(由 {url} 提供)",
        "auto_resolved": "auto → {model}({why})",
        "auto_gpu": "本机有 GPU",
        "auto_cpu": "没有 GPU:用小号 Qwen3",
        "auto_fell_back": "auto → {model}({why})",
        "auto_why_offline": "{model} 未缓存:离线",
        "auto_why_missing": "找不到 {model}",
        "auto_why_download": "{model}:下载失败",
        "auto_why_memory": "{model} 内存不足",
        "auto_why_error": "{model} 加载失败",
        "fallback_fix_offline": "要使用它,请在联网时运行一次 `{command}`,然后刷新页面。",
        "fallback_fix_missing": "请检查模型名称(SEMSEARCH_MODEL)。",
        "fallback_fix_download": "请重试,或自行运行 `{command}`。",
        "fallback_fix_memory": "请释放内存,或{where}选择更小的模型。",
        "where_sidebar": "在侧边栏",
        "where_workbench": "在 🛠️ 工作台页面",
        "fallback_fix_error": "原因:{cause}",
        "lang_en": "英文",
        "lang_zh": "中文",
        "list_sep": "、",
        "fit_lines": "{total} 行中的 {count} 行",
        "fit_query": "查询",
        "fit_query_and": "查询和 {lines}",
        "fit_script": (
            "{model} 读不懂{what}:它只读{languages}(模型卡如此声明),"
            "而其中 {share:.0%} 的字符是{script}。这里的得分没有意义。"
        ),
        "fit_unknown": (
            "{model} 读不懂{what}:其中 {share:.0%} 的 token 它不认识。这里的得分没有意义。"
        ),
        "fit_fix_pick": (
            "两种办法:用下面的开关按关键词(BM25,中文用 jieba 分词)为本次搜索排序,"
            "或{where}选择 {model}(支持 100 多种语言)。"
        ),
        "fit_fix_download": (
            "两种办法:用下面的开关按关键词(BM25,中文用 jieba 分词)为本次搜索排序,"
            "或联网时运行一次 `{command}`,然后{where}选择 {model}(支持 100 多种语言)。"
        ),
        "fit_keywords_toggle": "改为按关键词(BM25)为本次搜索排序",
        "score_unread": "{score} · 不分级:模型读不懂这些文字",
        "kw_unread": "模型读不懂这些行或查询:它在这里找到的结果不能说明语义胜过关键词。",
        "script_Han": "汉字",
        "script_Hangul": "韩文",
        "script_Hiragana": "日文假名",
        "script_Katakana": "日文假名",
        "script_Cyrillic": "西里尔字母",
        "script_Arabic": "阿拉伯字母",
        "script_Greek": "希腊字母",
        "script_Hebrew": "希伯来字母",
        "script_Devanagari": "天城文",
        "script_Thai": "泰文",
        "sample_unreadable": "{title} · 当前模型读不懂",
        "cmp_none": "本机没有其他无需下载即可运行的模型。",
        "cmp_more": (
            "更多模型:联网时运行一次 `{command}`(之后会出现在这里),"
            "或选择“{custom}”并填写模型文件夹。"
        ),
        "cmp_cached": "{model}(Hugging Face 缓存)",
        "csv_columns": "模型读取的列",
        "csv_help": "多列以“列名: 值”逐行读取;其余各列随每段保存,随结果显示并导出。",
        "file_read": "{name}({encoding}):{count} 段",
        "memory_header": "跨访问保留",
        "memory_explain": (
            "向量按模型和文本保存在磁盘上:刷新页面或重启服务后,已编码过的文本不再重新编码。"
            "你的知识库、查询、标注和文件的段落都保存在本页链接(地址栏中的 id)下:"
            "收藏该链接即可随时回来。"
        ),
        "cache_info": "向量缓存:{vectors} 个向量,占用 {size}(上限 {limit})",
        "cache_clear": "清空向量缓存",
        "cache_cleared": "已从磁盘缓存删除 {count} 个向量。",
        "cache_read_only": (
            "数据文件夹只读:已保存的向量照常使用,新向量只在本次访问中保留。"
            "请把 SEMSEARCH_DATA_DIR 设为可写文件夹以保存它们。"
        ),
        "cache_off": (
            "磁盘缓存已关闭:每次访问都会重新编码文本。请把 SEMSEARCH_DATA_DIR 设为可写文件夹"
            "(并把 SEMSEARCH_CACHE_MAX 设为大于 0)以保存向量。"
        ),
        "memory_off": (
            "本页的文本、查询和标注不会保留到下次访问:数据文件夹无法写入。"
            "请把 SEMSEARCH_DATA_DIR 设为可写文件夹。"
        ),
        "kept_files": "来自之前的访问(刷新后浏览器会忘记已上传的文件,但它们的段落保存在这里):",
        "forget_files": "移除这些文件",
        "cal_download": "下载标注(CSV)",
        "cal_kept": "标注会为本页跨访问保留;可下载后分享。",
        "precision_exact": (
            "分数以 fp32 计算:与 sentence-transformers 输出的分数一致(精确到小数点后 4 位)。"
        ),
        "precision_half_gpu": (
            "分数在 {device} 上以 {dtype} 计算:这是 Qwen3-Embedding 自身的精度(以 bf16 训练);"
            "与 sentence-transformers 的 fp32 分数最多相差约 0.005。"
        ),
        "precision_half_cpu": (
            "分数按设置(SEMSEARCH_DTYPE)以 {dtype} 计算:更快,但与 sentence-transformers 的 "
            "fp32 分数最多相差约 0.005。取消该设置即可得到精确分数。"
        ),
        "precision_server": "分数由嵌入服务器计算,精度由服务器决定。",
        "filter_header": "按来源或元数据筛选",
        "filter_typed": "(手动输入的行)",
        "filter_empty": "(空)",
        "filter_active": "在 {total} 段中搜索 {kept} 段:{where}",
        "filter_none_match": "没有段落符合筛选条件;取消某个选择后再搜索。",
        "filter_store": (
            "筛选作用于页面上的段落;在存储中搜索的知识库请用命令行筛选:"
            "semsearch search --name … --where 字段=值。"
        ),
        "tab_eval": "在我的数据上效果如何?",
        "eval_caption": (
            "以你的相关性标注(“校准阈值”页:标注结果,或载入 query,text,relevant CSV)作为评测依据:"
            "对每个已标注的查询,每种方法都对全部 {passages} 段排序。"
            "recall@{k}:相关段落出现在前 {k} "
            "中的比例;MRR@10:第一个相关段落排名的倒数;nDCG@10:前 10 的顺序与最佳顺序之比。"
            "由 pytrec_eval(TREC 的 trec_eval)计算。"
        ),
        "eval_none": (
            "还没有已标注的查询。请在“校准阈值”页把结果标为相关(或在那里载入标注 CSV),"
            "然后回到这里:模型、BM25 与混合检索会在这些标注上比较。"
        ),
        "eval_scope": (
            "该知识库在存储中搜索:评测只对本次搜索持有的 {count} 段排序,而非整个知识库"
            "(命令行 semsearch eval --name 会对全部段落排序)。"
        ),
        "eval_unmatched": "{count} 条标注的文本不在这些段落中,已忽略。",
        "eval_method": "方法",
        "eval_model": "向量模型",
        "eval_bm25": "BM25(关键词)",
        "eval_hybrid": "混合检索(RRF)",
        "eval_reranker": "重排序模型",
        "eval_queries": "{count} 个已标注查询",
        "eval_misses": "未进入前 {k} 的相关段落",
        "eval_no_misses": "每种方法都在前 {k} 中找到了所有相关段落。",
        "eval_rank": "排名",
        "eval_not_ranked": "未排入",
        "eval_query": "查询",
        "search_reranked": "用上次搜索的向量重新排序:没有重新编码。",
        "map_method_help": (
            "PCA:速度快,保留主要方向。UMAP 和 t-SNE 保留邻近关系,聚类更清楚,"
            "但簇与簇之间的距离意义不大;它们也更慢。"
        ),
        "map_colour": "着色依据",
        "map_colour_score": "得分",
        "map_colour_source": "来源文件",
        "map_source": "来源",
        "map_typed": "页面上输入",
        "map_ring": "阈值",
        "map_projecting": "正在用 {method} 投影 {count} 行…",
        "map_projecting_first": (
            "正在用 {method} 投影 {count} 行… 服务器启动后的第一张 {method} 图要先编译一次代码:"
            "在配置较低的机器上最多约一分钟。之后每张图只需几秒。"
        ),
        "map_click": (
            "点击一个点,列出它最近的邻居(以橙色圆圈标出);点击空白处取消。红线把查询连到它的结果。"
        ),
        "map_neighbours": "**第 {line} 行最近的邻居:**",
        "upload_button": "上传",
        "upload_limit": "每个文件最多 {size} MB · {types}",
        "heat_text_column": "文本(列)",
        "heat_text_row": "文本(行)",
        "metric_precision": "精确率",
        "metric_recall": "召回率",
        "metric_value": "数值",
        "page_failed": "页面出了问题;你输入的内容都还在。请再试一次,或重新加载页面。"
        "(详细信息在服务器日志中。)",
    },
}


class _Plurals(string.Formatter):
    """``str.format`` plus one plural form: ``{count:# line|# lines}``.

    A field whose format holds ``|`` picks its left side when the value is 1 and its right
    side otherwise, with ``#`` standing for the number: "1 line", "3 lines". Chinese has no
    plural and never needs it.
    """

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" not in format_spec:
            return super().format_field(value, format_spec)
        one, other = format_spec.split("|", 1)
        return (one if value == 1 else other).replace("#", str(value))


_FORMATTER = _Plurals()


def t(language: str, key: str, **values: object) -> str:
    """The string ``key`` in ``language`` (English when unknown), with ``values`` filled in."""
    table = STRINGS.get(language, STRINGS["en"])
    return _FORMATTER.format(table[key], **values)
