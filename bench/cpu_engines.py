"""Which CPU engine for the bundled model: PyTorch fp32/bf16, ONNX Runtime fp32/int8, OpenVINO.

The evidence for the CPU engine (bench/RESULTS.md): PyTorch, in fp32 by default (exact
scores) and bf16 on request. Every engine gets the same token ids
in the same length-sorted batches; only the forward pass differs. Agreement is measured
against PyTorch fp32, the exact reference. ONNX Runtime and OpenVINO are not dependencies
of semsearch; install them to run this:

    pip install onnx onnxruntime openvino
    python bench/cpu_engines.py --lines 1000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import corpus_and_queries
from encode import DECIDED, device_name, top5

Forward = Callable[[np.ndarray, np.ndarray], np.ndarray]


def export_onnx(model: Any, path: Path) -> None:
    """The model with mean pooling, as ONNX with dynamic batch and length."""
    import torch

    from semsearch.encoding.engines.pooling import mean

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            return mean(hidden, attention_mask)

    example = (torch.ones(2, 8, dtype=torch.long), torch.ones(2, 8, dtype=torch.long))
    axes = {"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}, "pooled": {0: "b"}}
    torch.onnx.export(
        Pooled().eval(),
        example,
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["pooled"],
        dynamic_axes=axes,
        opset_version=17,
        dynamo=False,
    )


def onnx_engines(onnx_path: Path) -> dict[str, Forward]:
    """ONNX Runtime at fp32 and with int8 dynamic quantisation (VNNI kernels)."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    int8_path = onnx_path.with_name("int8.onnx")
    quantize_dynamic(str(onnx_path), str(int8_path), weight_type=QuantType.QInt8)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    engines: dict[str, Forward] = {}
    for name, path in (("onnxruntime fp32", onnx_path), ("onnxruntime int8", int8_path)):
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        engines[name] = _onnx_forward(session)
    return engines


def _onnx_forward(session: Any) -> Forward:
    return lambda ids, mask: session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


def _openvino_forward(request: Any) -> Forward:
    return lambda ids, mask: request.infer({"input_ids": ids, "attention_mask": mask})[
        "pooled"
    ].copy()


def openvino_engines(onnx_path: Path) -> dict[str, Forward]:
    """OpenVINO at fp32 and bf16 inference precision."""
    import openvino as ov

    core = ov.Core()
    model = core.read_model(str(onnx_path))
    engines: dict[str, Forward] = {}
    for precision in ("f32", "bf16"):
        compiled = core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": precision})
        engines[f"openvino {precision}"] = _openvino_forward(compiled.create_infer_request())
    return engines


def main() -> None:
    """Encode the same corpus with each engine; print a table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args()
    from semsearch import load_embedder
    from semsearch.encoding.batching import plan_batches
    from semsearch.encoding.vectors import normalise

    texts, queries = corpus_and_queries(args.lines)
    exact = load_embedder("bundled", device="cpu", dtype="fp32")
    fast = load_embedder("bundled", device="cpu", dtype="bf16")
    exact_runtime: Any = getattr(exact.engine, "runtime", None)  # the local TransformerRuntime
    fast_runtime: Any = getattr(fast.engine, "runtime", None)
    tokens = exact_runtime.tokenize(texts, exact.max_length).ids
    batches = plan_batches([len(t) for t in tokens], 4096, 64)
    query_vectors = exact.encode_queries(queries)

    def run_engine(forward: Forward) -> np.ndarray:
        out = np.zeros((len(texts), exact.native_dim), dtype=np.float32)
        for batch in batches:
            width = max(len(tokens[i]) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(batch):
                ids[row, : len(tokens[i])] = tokens[i]
                mask[row, : len(tokens[i])] = 1
            out[batch] = forward(ids, mask)
        return normalise(out)

    engines: dict[str, Forward] = {
        "pytorch fp32 (default)": lambda ids, mask: exact_runtime.encode_batch(_rows(ids, mask)),
        "pytorch bf16 (opt-in)": lambda ids, mask: fast_runtime.encode_batch(_rows(ids, mask)),
    }
    with tempfile.TemporaryDirectory() as work:
        onnx_path = Path(work) / "model.onnx"
        export_onnx(exact_runtime.model, onnx_path)
        for extra in (onnx_engines, openvino_engines):
            try:
                engines.update(extra(onnx_path))
            except ImportError as error:
                print(f"skipped: {error} (pip install onnx onnxruntime openvino)")
        reference = run_engine(engines["pytorch fp32 (default)"])  # also its warm-up
        rows: list[dict[str, Any]] = []
        for name, forward in engines.items():
            if name != "pytorch fp32 (default)":
                run_engine(forward)  # warm-up
            started = time.perf_counter()
            vectors = run_engine(forward)
            seconds = time.perf_counter() - started
            ours_sets, _ = top5(query_vectors, vectors)
            ref_sets, gaps = top5(query_vectors, reference)
            same = [
                a == b for a, b, gap in zip(ours_sets, ref_sets, gaps, strict=True) if gap > DECIDED
            ]
            rows.append(
                {
                    "engine": name,
                    "texts_per_s": len(texts) / seconds,
                    "min_cosine": float(np.min(np.sum(vectors * reference, axis=1))),
                    "top5_identical_decided": float(np.mean(same)),
                }
            )
    print(f"CPU engines for all-MiniLM-L6-v2 on {device_name('cpu')}, {len(texts)} lines")
    base = rows[0]["texts_per_s"]
    for row in rows:
        print(
            f"{row['engine']:24}{row['texts_per_s']:8.1f} texts/s {row['texts_per_s'] / base:5.2f}x"
            f"  min cos {row['min_cosine']:.5f}  decided top-5 identical "
            f"{row['top5_identical_decided']:.1%}"
        )
    print(json.dumps({"device_name": device_name("cpu"), "lines": len(texts), "rows": rows}))


def _rows(ids: np.ndarray, mask: np.ndarray) -> list[list[int]]:
    return [row[m.astype(bool)].tolist() for row, m in zip(ids, mask, strict=True)]


if __name__ == "__main__":
    main()
