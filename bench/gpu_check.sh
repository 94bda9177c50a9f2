#!/usr/bin/env bash
# The GPU check: the CUDA suite and every GPU benchmark, one report in OUT (see bench/gpu_check.py).
#
#   bench/gpu_check.sh OUT [--only suite,peaks,encode,rank,page] [--lines 20000]
#
# For a machine with the working tree copied and nothing installed (the lent H100/H200):
# semsearch is put on PYTHONPATH, the hub is off. PYTHON picks the interpreter (default python3,
# the one that holds torch there). Exit: 0 passed, 1 a test or check failed, 2 no CUDA device.
set -euo pipefail
if [ "$#" -lt 1 ]; then
    echo "usage: bench/gpu_check.sh OUT [--only suite,peaks,encode,rank,page] [--lines N]" >&2
    exit 64
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec "${PYTHON:-python3}" bench/gpu_check.py "$@"
