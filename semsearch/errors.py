"""The errors semsearch raises on purpose.

Each message is written for the person at the keyboard: it names the values involved and
says what to do. The page shows them with ``st.error``; the command line prints them as one
line on stderr and exits non-zero. Anything else that escapes is a bug.
"""


class SemsearchError(Exception):
    """Base class: every error of this package that a user can cause or fix."""


class InvalidArgumentError(SemsearchError, ValueError):
    """A value passed in is out of range or of the wrong shape (seen by API and CLI users)."""


class ModelLoadError(SemsearchError):
    """A model could not be found, downloaded or loaded (seen on the page and the CLI)."""

    def __init__(self, model: str, cause: str, *, reason: str = "error") -> None:
        self.model = model
        self.cause = cause
        self.reason = reason
        """Why, as one word the page can translate: ``offline`` (not cached, hub out of
        reach), ``missing`` (no such model), ``download`` (a download failed), ``memory`` or
        ``error`` (anything else; :attr:`cause` says what)."""
        super().__init__(f"Could not load the model {model!r}: {cause}")


class KnowledgeBaseError(SemsearchError):
    """A knowledge base is empty, missing or unreadable (seen on the CLI)."""


class SettingsError(SemsearchError):
    """An environment variable holds a value semsearch cannot use (seen at start-up)."""


class EmbeddingServerError(SemsearchError):
    """An embedding server failed a request or answered something unusable (page and CLI).

    Subclasses name the common causes; this class itself covers the rest (an HTTP error the
    server kept returning after every retry, a request the server refused).
    """

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        super().__init__(message)


class ServerUnreachableError(EmbeddingServerError):
    """Nothing answers at the embedding server's URL (wrong URL, server not started)."""


class ServerAuthError(EmbeddingServerError):
    """The embedding server refused the API key (HTTP 401/403)."""


class UnknownServedModelError(EmbeddingServerError):
    """The embedding server does not serve the model asked for; the message lists what it does."""


class BadServerResponseError(EmbeddingServerError):
    """The embedding server's answer is malformed: not JSON, wrong shape or count, NaN, too big."""


class DimensionMismatchError(EmbeddingServerError):
    """Vectors of a size other than expected (the server's probe, or a saved base's size)."""


class CacheError(SemsearchError):
    """The disk vector cache cannot do what was asked, e.g. clear a read-only cache (page, CLI)."""


class GeneratorError(SemsearchError):
    """The answer could not be generated: no model, an unreachable endpoint (page, CLI)."""


class StoreError(SemsearchError):
    """A saved knowledge base is missing, already exists, or the store cannot be used."""


class DeviceOutOfMemory(SemsearchError):  # noqa: N818 - reads as what happened
    """The device ran out of memory on a batch; a smaller batch may fit (the engine retries)."""


class NoTokenizerError(SemsearchError):
    """The engine in use does not expose its tokenizer (a remote server)."""


class DocumentError(SemsearchError):
    """A file could not be read as a document (seen on the page and the CLI)."""


class ProjectionError(SemsearchError):
    """A map's worker process failed or ended before it answered (seen on the page)."""


class ServiceCallError(SemsearchError):
    """A ``semsearch serve`` refused a request or cannot be reached (seen on the CLI)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def check_unicode(text: str, what: str) -> str:
    """``text`` when it is valid Unicode; else an InvalidArgumentError naming ``what``.

    Python strings may hold lone surrogates (U+D800..U+DFFF, e.g. from a file name decoded
    with ``surrogateescape``), which no tokenizer, database or file can take: say so here
    rather than fail deep inside one of them.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidArgumentError(
            f"{what} holds a lone surrogate (U+{ord(text[error.start]):04X} at character "
            f"{error.start}), which is not valid Unicode; fix the text's encoding "
            "(e.g. decode the file as UTF-8) and try again."
        ) from None
    return text


class LimitError(InvalidArgumentError):
    """A session asked for more than the server's page limits allow (seen on the page)."""


class BaseBusyError(StoreError):
    """Another writer (a process, or another page session) holds the knowledge base now.

    Seen when a save, an index, an add or a delete meets one already under way on the same
    base; the message names the base and what holds it. Nothing was changed: try again
    when it has finished.
    """
