#!/usr/bin/env bash
# Data-parallel training on a Slurm cluster, one task per GPU (mmseg's convention):
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS="..."] \
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG [WORK_DIR] [train.py args...]
# GPUS tasks in all, GPUS_PER_NODE per node (so GPUS / GPUS_PER_NODE nodes); each task runs
# tools/train.py --launcher slurm, which takes rank, world size and the master address from Slurm's
# variables (MASTER_PORT from the environment, default 29500). WORK_DIR is the fourth argument when
# it does not start with '-'; further arguments go to train.py (e.g. --amp, --resume, --cfg-options).
# The srun command line is tools/slurm_launch.sh's.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 PARTITION JOB_NAME CONFIG [WORK_DIR] [train.py args...]" >&2
    exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
shift 3
WORK_DIR_ARGS=()
if [ $# -gt 0 ] && [[ $1 != -* ]]; then
    WORK_DIR_ARGS=(--work-dir "$1")
    shift
fi
GPUS=${GPUS:-8} GPUS_PER_NODE=${GPUS_PER_NODE:-8} exec bash "$(dirname "$0")/slurm_launch.sh" \
    "$PARTITION" "$JOB_NAME" train.py "$CONFIG" ${WORK_DIR_ARGS[@]+"${WORK_DIR_ARGS[@]}"} --launcher=slurm "$@"
