#!/usr/bin/env bash
# srun of one tool, one task per GPU (mmseg's convention), shared by tools/slurm_train.sh and
# tools/slurm_test.sh:
#   GPUS=.. GPUS_PER_NODE=.. [CPUS_PER_TASK=5] [SRUN_ARGS="..."] \
#   tools/slurm_launch.sh PARTITION JOB_NAME SCRIPT [SCRIPT args...]
# GPUS tasks in all, GPUS_PER_NODE per node (so GPUS / GPUS_PER_NODE nodes).
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
SCRIPT=$3
shift 3
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PYTHON=${PYTHON:-python}
TOOLS="$(cd "$(dirname "$0")" && pwd)"

# SRUN_ARGS is split on white space on purpose (several srun options in one variable).
# shellcheck disable=SC2086
PYTHONPATH="$TOOLS/..${PYTHONPATH:+:$PYTHONPATH}" \
srun -p "$PARTITION" \
    --job-name="$JOB_NAME" \
    --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" \
    --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 \
    $SRUN_ARGS \
    "$PYTHON" -u "$TOOLS/$SCRIPT" "$@"
