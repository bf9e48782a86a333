#!/usr/bin/env bash
# One prepared check of the GPU path, within 10 minutes on one GPU (docs/gpu.md, "Running on GPUs"):
# pytest -m cuda, a 50-iteration CIFAR-10 SLIM AT run and a 20-iteration ASA + SLIM DeepLab run at
# 512x512 on random data of the real shape, each in fp32 and with --amp, and the step benchmarks;
# prints the card, step times, peak memory and the AMP speed-up in one table (tools/gpu_check.py).
#   tools/gpu_check.sh [--out DIR] [--skip pytest train benchmarks] [--runs ...]
#   tools/gpu_check.sh --device cpu --tiny      # the CPU dry run of the script itself
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON=${PYTHON:-python}
if [[ " $* " != *" --device cpu "* ]] && \
        ! "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    echo "gpu_check: no CUDA device is visible (torch.cuda.is_available() is False); this check needs a GPU." \
         "The CPU dry run of the script: $0 --device cpu --tiny" >&2
    exit 1
fi
cd "$ROOT"
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" exec "$PYTHON" tools/gpu_check.py "$@"
