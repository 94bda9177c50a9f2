"""Why these results: keywords vs meaning, projections, calibration, model comparison.

The public names of the analyses, imported on first use (importing this package loads
none of them). Evaluation (recall@k, MRR@10, nDCG@10) and the one reader of judgement and
label CSVs are here too.
"""

from typing import TYPE_CHECKING

from semsearch._lazy import lazy_exports

if TYPE_CHECKING:
    from semsearch.analysis.calibration import Label as Label
    from semsearch.analysis.calibration import best_on_grid as best_on_grid
    from semsearch.analysis.calibration import best_threshold as best_threshold
    from semsearch.analysis.calibration import labels_csv as labels_csv
    from semsearch.analysis.calibration import read_labels_csv as read_labels_csv
    from semsearch.analysis.calibration import threshold_sweep as threshold_sweep
    from semsearch.analysis.comparison import overlap_at_k as overlap_at_k
    from semsearch.analysis.comparison import spearman as spearman
    from semsearch.analysis.evaluation import Evaluation as Evaluation
    from semsearch.analysis.evaluation import Judgements as Judgements
    from semsearch.analysis.evaluation import MethodScores as MethodScores
    from semsearch.analysis.evaluation import Miss as Miss
    from semsearch.analysis.evaluation import evaluate as evaluate
    from semsearch.analysis.evaluation import judgements_from_labels as judgements_from_labels
    from semsearch.analysis.evaluation import judgements_from_pairs as judgements_from_pairs
    from semsearch.analysis.evaluation import read_judgements as read_judgements
    from semsearch.analysis.evaluation import score_rankings as score_rankings
    from semsearch.analysis.inspection import VectorPreview as VectorPreview
    from semsearch.analysis.inspection import preview_vector as preview_vector
    from semsearch.analysis.judged_csv import JudgedCsv as JudgedCsv
    from semsearch.analysis.judged_csv import JudgedRow as JudgedRow
    from semsearch.analysis.judged_csv import read_judged_csv as read_judged_csv
    from semsearch.analysis.keywords import KeywordIndex as KeywordIndex
    from semsearch.analysis.keywords import bm25_rank as bm25_rank
    from semsearch.analysis.keywords import keyword_terms as keyword_terms
    from semsearch.analysis.language_fit import LanguageFit as LanguageFit
    from semsearch.analysis.language_fit import language_fit as language_fit
    from semsearch.analysis.projection import MapLayout as MapLayout
    from semsearch.analysis.projection import map_layout as map_layout
    from semsearch.analysis.projection import project_2d as project_2d

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".calibration": (
            "Label",
            "best_on_grid",
            "best_threshold",
            "labels_csv",
            "read_labels_csv",
            "threshold_sweep",
        ),
        ".comparison": ("overlap_at_k", "spearman"),
        ".evaluation": (
            "Evaluation",
            "Judgements",
            "MethodScores",
            "Miss",
            "evaluate",
            "judgements_from_labels",
            "judgements_from_pairs",
            "read_judgements",
            "score_rankings",
        ),
        ".inspection": ("VectorPreview", "preview_vector"),
        ".judged_csv": ("JudgedCsv", "JudgedRow", "read_judged_csv"),
        ".keywords": ("KeywordIndex", "bm25_rank", "keyword_terms"),
        ".language_fit": ("LanguageFit", "language_fit"),
        ".projection": ("MapLayout", "map_layout", "project_2d"),
    },
)
