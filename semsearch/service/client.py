"""A client of ``semsearch serve``: what ``--server`` on ``search``, ``ask`` and ``eval`` uses.

Plain calls over one httpx2 connection pool (the project's HTTP client); each failure is a
:class:`ServiceCallError` with the server's own message and status, never a traceback.
What it does not do: retry (a script that wants retries wraps the call), or embed through
``/v1/embeddings`` for other engines (the remote engine does that).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.errors import ServiceCallError


def passage_of(row: dict[str, Any]) -> Passage:
    """A hit or passage of the API as a :class:`Passage`."""
    return Passage(row["text"], row.get("source", ""), row.get("place", ""),
                   row.get("heading", ""), tuple(row.get("metadata", {}).items()))  # fmt: skip


class ServiceClient:
    """Calls to the ``semsearch serve`` at ``url`` (its root: ``http://host:8000``)."""

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = 300.0) -> None:
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx2.Client(
            base_url=self.url, headers=headers,
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
        )  # fmt: skip

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def _fail(self, response: httpx2.Response) -> ServiceCallError:
        try:
            message = str(response.json()["error"]["message"])
        except (ValueError, KeyError, TypeError):
            message = response.text[:300] or response.reason_phrase
        return ServiceCallError(
            f"The server at {self.url} answered HTTP {response.status_code}: {message}",
            response.status_code,
        )

    def _unreachable(self, error: Exception) -> ServiceCallError:
        return ServiceCallError(
            f"No semsearch server answers at {self.url} ({error}). Start one with "
            "`semsearch serve`, or leave out --server (and SEMSEARCH_SERVER) to work locally."
        )

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             params: dict[str, Any] | None = None) -> Any:  # fmt: skip
        """The JSON answer of one request; a ServiceCallError for any failure."""
        try:
            response = self._client.request(method, path, json=body, params=params)
        except httpx2.HTTPError as error:
            raise self._unreachable(error) from None
        if response.status_code >= 400:
            raise self._fail(response)
        return response.json()

    def search(self, name: str, query: str, **options: Any) -> dict[str, Any]:
        """``POST /v1/bases/{name}/search``: the answer with its ``hits``."""
        body = {"query": query, **{k: v for k, v in options.items() if v is not None}}
        answer: dict[str, Any] = self.call("POST", f"/v1/bases/{name}/search", body)
        return answer

    def passages(self, name: str, *, page: int = 5000) -> list[Passage]:
        """Every passage of ``name``, in id order."""
        found: list[Passage] = []
        while True:
            answer = self.call("GET", f"/v1/bases/{name}/passages",
                               params={"offset": len(found), "limit": page})  # fmt: skip
            found.extend(passage_of(row) for row in answer["data"])
            if not answer["data"] or len(found) >= answer["total"]:
                return found

    def embed(self, texts: list[str], *, input_type: str | None = "document",
              instruction: str | None = None, dimensions: int | None = None,
              batch: int = 256) -> tuple[np.ndarray, str]:  # fmt: skip
        """Unit vectors for ``texts`` and the model's name, ``batch`` texts per request."""
        rows: list[np.ndarray] = []
        model = ""
        for start in range(0, len(texts), batch):
            body: dict[str, Any] = {
                "input": texts[start : start + batch],
                "input_type": input_type,
                "encoding_format": "float",
            }
            if input_type is None:
                del body["input_type"]
            if instruction is not None:
                body["instruction"] = instruction
            if dimensions is not None:
                body["dimensions"] = dimensions
            answer = self.call("POST", "/v1/embeddings", body)
            model = answer["model"]
            ordered = sorted(answer["data"], key=lambda item: item["index"])
            rows.append(np.asarray([item["embedding"] for item in ordered], dtype=np.float32))
        return (np.concatenate(rows) if rows else np.zeros((0, 0), np.float32)), model

    def answer_events(self, name: str, body: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        """``POST /v1/bases/{name}/answer`` streamed: ``(event, data)`` pairs as they come.

        Events: ``citations``, ``delta`` (a piece of the answer), ``done``; an ``error``
        event is raised as a ServiceCallError.
        """
        try:
            with self._client.stream("POST", f"/v1/bases/{name}/answer",
                                     json={**body, "stream": True}) as response:  # fmt: skip
                if response.status_code >= 400:
                    response.read()
                    raise self._fail(response)
                kind = "delta"
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        kind = line[6:].strip()
                    elif line.startswith("data:"):
                        data = json.loads(line[5:])
                        if kind == "error":
                            raise ServiceCallError(
                                f"The server at {self.url} failed mid-answer: "
                                f"{data['error']['message']}"
                            )
                        yield kind, data["delta"] if kind == "delta" else data
                        kind = "delta"
        except httpx2.HTTPError as error:
            raise self._unreachable(error) from None
