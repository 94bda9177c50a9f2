"""What the page keeps for one browser between visits: its text, query, labels and files.

Streamlit forgets a session when the browser reloads, and forgets uploaded files with it.
Each browser's page gets a random id, kept in its URL (see :mod:`semsearch.page.reload`);
under that id this module keeps, in ``page-memory.sqlite3`` in the data folder
(``SEMSEARCH_DATA_DIR``): the knowledge-base text, the query, the calibration labels and the
passages of the uploaded files, the working settings and the last answer, and which
browser's (hashed) token owns the page. Their vectors are in the disk cache
(:mod:`semsearch.encoding.disk_cache`), so a reload finds both.

Bounded: a page not visited for :data:`MAX_AGE_DAYS` is forgotten, and a page keeps the
passages of its last :data:`MAX_FILES` files. A page's text or files larger than
:data:`MAX_PAGE_BYTES` are not kept (the call says so by returning ``False``), and past
:data:`MAX_TOTAL_BYTES` for all pages together the least recently visited pages are
forgotten first: twenty throwaway sessions cannot fill the server's disk. One SQLite file
in WAL mode: safe for the threads of a server and for several processes; each change is
one transaction. A folder
that cannot be written leaves the memory read-only (nothing new is kept) or off, with a
:attr:`PageMemory.notice`; nothing here ever stops the page.

What it does not do: read or write the URL or the session (:mod:`semsearch.page.reload`).
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from semsearch.data_folder import data_dir
from semsearch.documents.chunking import Passage
from semsearch.per_folder import PerFolder
from semsearch.settings import expand_folder
from semsearch.sqlite_files import Status, open_sqlite

FILE_NAME = "page-memory.sqlite3"
MAX_AGE_DAYS = 90
MAX_FILES = 20
MAX_PAGE_BYTES = 20 * 1024**2
"""Most bytes of text (the typed knowledge base, or the files' passages) kept per page."""
MAX_TOTAL_BYTES = 512 * 1024**2
"""Most bytes of text kept for all pages; past it the least recently visited go first."""
_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    browser TEXT PRIMARY KEY,
    kb_text TEXT NOT NULL,
    query TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS labels (
    browser TEXT NOT NULL,
    query TEXT NOT NULL,
    text TEXT NOT NULL,
    relevant INTEGER NOT NULL,
    PRIMARY KEY (browser, query, text)
);
CREATE TABLE IF NOT EXISTS owners (
    browser TEXT PRIMARY KEY,
    owner TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    browser TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    answer TEXT
);
CREATE TABLE IF NOT EXISTS files (
    browser TEXT NOT NULL,
    name TEXT NOT NULL,
    passages TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (browser, name)
);
"""

Labels = dict[tuple[str, str], bool]


@dataclass(frozen=True)
class KeptPage:
    """One browser's page as it was last kept."""

    kb_text: str | None = None
    """``None``: nothing kept for this page yet."""
    query: str | None = None
    labels: Labels = field(default_factory=dict)
    files: dict[str, list[Passage]] = field(default_factory=dict)
    """Passages of each uploaded file, by file name, in upload order."""
    settings: dict[str, object] = field(default_factory=dict)
    """The page's working settings by widget key (JSON values), see :mod:`.reload`."""
    answer: dict[str, object] | None = None
    """The last answer, as :func:`semsearch.page.reload` keeps it (JSON)."""


def new_id() -> str:
    """A fresh random page id (16 URL-safe characters: not guessable)."""
    return secrets.token_urlsafe(12)


def valid_id(value: object) -> bool:
    """Whether ``value`` can be a page id (anything else in the URL is replaced)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _passages_json(passages: Sequence[Passage]) -> str:
    """``{"headings": [...], "rows": [[body, source, place, heading number], ...]}``.

    Each heading path is written once, rows name it by its number (-1: none): a file of
    10,000 short paragraphs under one long heading is kept at its own size, not 10,000
    times the heading's.
    """
    numbers: dict[str, int] = {}
    rows = []
    for p in passages:
        number = numbers.setdefault(p.heading, len(numbers)) if p.headed else -1
        rows.append([p.body, p.source, p.place, number])
    return json.dumps({"headings": list(numbers), "rows": rows}, ensure_ascii=False)


def _passages(text: str) -> list[Passage]:
    """The passages :func:`_passages_json` wrote.

    A page kept before headings were is a list of [text, source, place] rows.
    """
    kept = json.loads(text)
    if isinstance(kept, list):
        return [Passage(*row) for row in kept]
    headings = kept["headings"]
    return [
        Passage.under(headings[number], body, source, place)
        if number >= 0
        else Passage(body, source, place)
        for body, source, place, number in kept["rows"]
    ]


class PageMemory:
    """Pages by id in one SQLite file in ``folder`` (default: the data folder)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = expand_folder(folder) if folder is not None else data_dir()
        self.path = self.folder / FILE_NAME
        self.status: Status = "off"
        self.notice: str | None = None
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._open()

    def _open(self) -> None:
        # A damaged file is moved aside (what it kept stays in it) and a new one started.
        opened = open_sqlite(
            self.path,
            prepare=self._prepare,
            probe="SELECT count(*) FROM pages",
            timeout=10,
            on_damage="move-aside",
        )
        self._connection, self.status = opened.connection, opened.status
        if opened.trouble is None:
            return
        if opened.trouble == "damaged" and opened.status == "on":
            self.notice = (
                f"The page memory {self.path} was damaged ({opened.error}); it was moved to "
                f"{opened.moved_to} and a new, empty one started."
            )
        elif opened.trouble == "read-only-folder":
            self.notice = (
                f"The data folder {self.folder} is read-only: what you type is not kept for "
                "your next visit. Set SEMSEARCH_DATA_DIR to a writable folder."
            )
        else:
            self.notice = (
                f"The page cannot be kept between visits: {self.path} cannot be used "
                f"({opened.error}). Set SEMSEARCH_DATA_DIR to a writable folder."
            )

    @classmethod
    def _prepare(cls, connection: sqlite3.Connection) -> None:
        connection.executescript(_SCHEMA)
        cls._forget_old(connection)

    @staticmethod
    def _forget_old(connection: sqlite3.Connection) -> None:
        cutoff = time.time() - MAX_AGE_DAYS * 86_400
        old = "SELECT browser FROM pages WHERE updated < ?"
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(f"DELETE FROM labels WHERE browser IN ({old})", (cutoff,))
        connection.execute(f"DELETE FROM files WHERE browser IN ({old})", (cutoff,))
        connection.execute(f"DELETE FROM settings WHERE browser IN ({old})", (cutoff,))
        connection.execute(f"DELETE FROM owners WHERE browser IN ({old})", (cutoff,))
        connection.execute("DELETE FROM pages WHERE updated < ?", (cutoff,))
        connection.execute("COMMIT")

    def _change(self, browser: str, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        """Run ``statements`` and mark the page as visited, in one transaction (or skip)."""
        if self.status != "on" or self._connection is None:
            return
        touch = (
            "INSERT INTO pages VALUES (?, '', '', ?) "
            "ON CONFLICT(browser) DO UPDATE SET updated = excluded.updated"
        )
        with self._lock:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
                try:
                    self._connection.execute(touch, (browser, time.time()))
                    for sql, parameters in statements:
                        self._connection.execute(sql, parameters)
                    self._forget_oldest(browser)
                except BaseException:
                    self._connection.execute("ROLLBACK")
                    raise
                self._connection.execute("COMMIT")
            except sqlite3.Error as error:
                self.notice = f"The page could not be kept in {self.path} ({error}); skipped."

    def _forget_oldest(self, browser: str) -> None:
        """Forget the least recently visited pages (never ``browser``) past the total cap."""
        assert self._connection is not None
        run = self._connection.execute
        sizes = run(
            "SELECT p.browser, length(CAST(p.kb_text AS BLOB)) + coalesce((SELECT "
            "sum(length(CAST(f.passages AS BLOB))) FROM files f WHERE f.browser = p.browser), 0)"
            " FROM pages p ORDER BY p.updated"
        ).fetchall()
        total = sum(size for _, size in sizes)
        for other, size in sizes:
            if total <= MAX_TOTAL_BYTES:
                return
            if other == browser:
                continue
            for table in ("labels", "files", "settings", "owners", "pages"):
                run(f"DELETE FROM {table} WHERE browser = ?", (other,))
            total -= size

    # -- reading -------------------------------------------------------------------------

    def load(self, browser: str) -> KeptPage:
        """What is kept for ``browser`` (an empty :class:`KeptPage` when nothing is)."""
        if self._connection is None:
            return KeptPage()
        with self._lock:
            try:
                run = self._connection.execute
                page = run("SELECT kb_text, query FROM pages WHERE browser = ?", (browser,))
                found = page.fetchone()
                labels = run(
                    "SELECT query, text, relevant FROM labels WHERE browser = ?", (browser,)
                ).fetchall()
                files = run(
                    "SELECT name, passages FROM files WHERE browser = ? ORDER BY position",
                    (browser,),
                ).fetchall()
            except sqlite3.Error as error:
                self.notice = f"The kept page could not be read from {self.path} ({error})."
                return KeptPage()
            try:  # apart: a read-only file of an earlier version has no such table
                extra = run(
                    "SELECT settings, answer FROM settings WHERE browser = ?", (browser,)
                ).fetchone()
            except sqlite3.Error:
                extra = None
        if found is None:
            return KeptPage()
        return KeptPage(
            kb_text=found[0],
            query=found[1],
            labels={(query, text): bool(relevant) for query, text, relevant in labels},
            files={name: _passages(passages) for name, passages in files},
            settings=json.loads(extra[0]) if extra else {},
            answer=json.loads(extra[1]) if extra and extra[1] else None,
        )

    # -- writing -------------------------------------------------------------------------

    def keep_page(self, browser: str, kb_text: str, query: str) -> bool:
        """Keep the knowledge-base text and the query of ``browser``'s page.

        Returns ``False`` (and keeps nothing new) when they exceed :data:`MAX_PAGE_BYTES`.
        """
        if page_bytes(kb_text, query) > MAX_PAGE_BYTES:
            return False
        self._change(
            browser,
            [("UPDATE pages SET kb_text = ?, query = ? WHERE browser = ?",
              (kb_text, query, browser))],
        )  # fmt: skip
        return True

    def owner(self, browser: str) -> str | None:
        """Who may change ``browser``'s page (a browser's hashed token); ``None``: nobody yet."""
        if self._connection is None:
            return None
        with self._lock:
            try:
                found = self._connection.execute(
                    "SELECT owner FROM owners WHERE browser = ?", (browser,)
                ).fetchone()
            except sqlite3.Error:  # a read-only file of an earlier version: nobody's
                return None
        return None if found is None else str(found[0])

    def claim(self, browser: str, owner: str) -> None:
        """Make ``owner`` the owner of ``browser``'s page, unless it has one."""
        self._change(browser, [("INSERT OR IGNORE INTO owners VALUES (?, ?)", (browser, owner))])

    def keep_settings(
        self, browser: str, settings: Mapping[str, object], answer: Mapping[str, object] | None
    ) -> None:
        """Keep the page's working settings and its last answer (JSON values)."""
        self._change(
            browser,
            [("INSERT OR REPLACE INTO settings VALUES (?, ?, ?)",
              (browser, json.dumps(dict(settings), ensure_ascii=False),
               None if answer is None else json.dumps(dict(answer), ensure_ascii=False)))],
        )  # fmt: skip

    def keep_labels(self, browser: str, labels: Labels) -> None:
        """Make ``labels`` the page's labels (all of them: the others are removed)."""
        rows = [
            ("INSERT INTO labels VALUES (?, ?, ?, ?)", (browser, query, text, int(relevant)))
            for (query, text), relevant in labels.items()
        ]
        self._change(browser, [("DELETE FROM labels WHERE browser = ?", (browser,)), *rows])

    def keep_files(self, browser: str, files: Mapping[str, Sequence[Passage]]) -> bool:
        """Make ``files`` (name to passages, in upload order) the page's files.

        Only the last :data:`MAX_FILES` are kept, and of those, in order, as many as fit in
        :data:`MAX_PAGE_BYTES`; returns ``False`` when one was left out for its size.
        """
        fitting, left = _fitting_files(files)
        rows: list[tuple[str, Sequence[object]]] = [
            ("INSERT INTO files VALUES (?, ?, ?, ?)", (browser, name, text, position))
            for position, (name, text) in enumerate(fitting)
        ]
        self._change(browser, [("DELETE FROM files WHERE browser = ?", (browser,)), *rows])
        return not left

    def close(self) -> None:
        """Close the connection (the memory is then off for this object)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self.status = "off"

    def pages(self) -> int:
        """How many pages are kept (for ``semsearch cache info`` and tests)."""
        if self._connection is None:
            return 0
        with self._lock:
            return int(self._connection.execute("SELECT count(*) FROM pages").fetchone()[0])


def page_bytes(kb_text: str, query: str) -> int:
    """What a page's typed text and query count against :data:`MAX_PAGE_BYTES`."""
    return len(kb_text.encode("utf-8", "surrogatepass")) + len(query)


def _fitting_files(
    files: Mapping[str, Sequence[Passage]],
) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, passages as JSON) of the files kept, and the names left out for their size."""
    fitting: list[tuple[str, str]] = []
    left: list[str] = []
    size = 0
    for name, passages in list(files.items())[-MAX_FILES:]:
        if left:  # in order: past the first that does not fit, none is kept
            left.append(name)
            continue
        text = _passages_json(passages)
        size += len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_PAGE_BYTES:
            left.append(name)
        else:
            fitting.append((name, text))
    return fitting, left


def files_left_out(files: Mapping[str, Sequence[Passage]]) -> list[str]:
    """The files :meth:`PageMemory.keep_files` leaves out for their size, in upload order."""
    return _fitting_files(files)[1]


_SHARED = PerFolder(PageMemory)
"""One object per data folder and process (see :mod:`semsearch.per_folder`)."""


def shared_page_memory(folder: str | Path | None = None) -> PageMemory:
    """The page memory of this process for ``folder`` (default: the data folder), made once."""
    return _SHARED.get(folder)
