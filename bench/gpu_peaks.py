"""What this GPU can do at best, measured now: bf16 matrix-multiply peak and device copy bandwidth.

The denominators of the GPU figures: MFU is model FLOPs per second over the matmul peak,
and a ranking scan's floor is the bytes it must read over the copy bandwidth. Measuring
them in the same run as the benchmarks makes the ratios honest about this card, its
clocks and its driver. Prints one line of JSON. CUDA only.

    python bench/gpu_peaks.py
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

MATMUL_SIZE = 8192
COPY_BYTES = 2 * 2**30


def _timed_cuda(run: Callable[[], object], repeats: int) -> float:
    """Seconds per call of ``run()`` after three warm-up calls, the device synchronised."""
    import torch

    for _ in range(3):
        run()
    torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(repeats):
        run()
    torch.cuda.synchronize()
    return (time.perf_counter() - started) / repeats


def matmul_peak_tflops(device: str) -> float | None:
    """bf16 throughput of an 8192^3 matrix product (random data), TFLOP/s; ``None`` off CUDA."""
    if not device.startswith("cuda"):
        return None
    import torch

    a = torch.randn(MATMUL_SIZE, MATMUL_SIZE, device=device, dtype=torch.bfloat16)
    b = torch.randn(MATMUL_SIZE, MATMUL_SIZE, device=device, dtype=torch.bfloat16)
    seconds = _timed_cuda(lambda: a @ b, repeats=10)
    return 2 * MATMUL_SIZE**3 / seconds / 1e12


def copy_bandwidth_gbs(device: str) -> float | None:
    """Device-to-device copy of 2 GiB, in GB/s counting bytes read plus bytes written.

    A ranking scan reads its matrix once and writes almost nothing, so its floor is the
    matrix's bytes over this figure (reads and writes share the same memory bus).
    """
    if not device.startswith("cuda"):
        return None
    import torch

    source = torch.empty(COPY_BYTES, dtype=torch.uint8, device=device)
    target = torch.empty_like(source)
    seconds = _timed_cuda(lambda: target.copy_(source), repeats=20)
    return 2 * COPY_BYTES / seconds / 1e9


def main() -> None:
    """Measure both on ``cuda`` and print them as JSON."""
    import torch

    if not torch.cuda.is_available():
        raise SystemExit("gpu_peaks: no CUDA device (torch.cuda.is_available() is False)")
    result = {
        "device_name": torch.cuda.get_device_name(0),
        "matmul_bf16_tflops": matmul_peak_tflops("cuda"),
        "copy_gbs": copy_bandwidth_gbs("cuda"),
    }
    print(
        f"{result['device_name']}: bf16 matmul {result['matmul_bf16_tflops']:.0f} TFLOP/s, "
        f"device copy {result['copy_gbs']:.0f} GB/s (read + written)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
