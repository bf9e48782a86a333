#!/usr/bin/env bash
# Data-parallel training with torchrun: tools/dist_train.sh CONFIG NPROC [train.py args...]
# NPROC processes per node; the environment (NNODES, NODE_RANK, MASTER_ADDR, PORT, PYTHON) is
# tools/dist_launch.sh's.
set -euo pipefail
exec bash "$(dirname "$0")/dist_launch.sh" "$2" train.py "$1" --launcher pytorch "${@:3}"
