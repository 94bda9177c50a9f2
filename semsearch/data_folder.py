"""Where semsearch keeps its files: the data folder.

``SEMSEARCH_DATA_DIR`` (read by :class:`semsearch.settings.Settings`), else the platform's
user data folder for semsearch (``platformdirs``: ``~/.local/share/semsearch`` on Linux).
The disk vector cache, the page memory and the embedded store keep their SQLite files here.

What it does not do: make the folder or check that it can be written; each user of it
does that when it opens its file (:mod:`semsearch.sqlite_files`).
"""

from __future__ import annotations

from pathlib import Path

from semsearch.settings import Settings


def data_dir(settings: Settings | None = None) -> Path:
    """``SEMSEARCH_DATA_DIR`` (from ``settings``, else the environment), else the default.

    Raises:
        SettingsError: a variable holds a value semsearch cannot use.
    """
    chosen = (settings or Settings.from_env()).data_dir
    if chosen is not None:
        return chosen
    from platformdirs import user_data_dir  # only when the default is used

    return Path(user_data_dir("semsearch", appauthor=False))
