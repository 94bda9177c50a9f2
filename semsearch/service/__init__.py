"""``semsearch serve``: an HTTP API over the saved bases and one loaded model.

OpenAI-compatible ``POST /v1/embeddings`` (so the ``openai`` client, LangChain, LlamaIndex
and semsearch's own remote engine can use it), the saved bases (list, search, add passages,
delete, answer with citations), ``/health``, ``/v1/models`` and the OpenAPI page ``/docs``.

Layout: :mod:`.config` (the server's settings), :mod:`.batching` (requests arriving together
are encoded together), :mod:`.errors` (JSON errors with their HTTP status), :mod:`.schemas`
(request and response bodies), :mod:`.service` (the model, the store and what is built on
them), :mod:`.routes` (the endpoints), :mod:`.app` (the app factory and its middleware),
:mod:`.run` (uvicorn) and :mod:`.client` (what ``--server`` uses). Never imports streamlit.
"""

from semsearch.service.app import create_app
from semsearch.service.config import ServiceConfig

__all__ = ["ServiceConfig", "create_app"]
