#!/usr/bin/env bash
# Data-parallel testing with torchrun: tools/dist_test.sh CONFIG CHECKPOINT NPROC [test.py args...]
# NPROC processes per node; the environment (NNODES, NODE_RANK, MASTER_ADDR, PORT, PYTHON) is
# tools/dist_launch.sh's.
set -euo pipefail
exec bash "$(dirname "$0")/dist_launch.sh" "$3" test.py "$1" "$2" --launcher pytorch "${@:4}"
