#!/usr/bin/env bash
# Data-parallel testing on a Slurm cluster, one task per GPU (mmseg's convention):
#   [GPUS=4] [GPUS_PER_NODE=4] [CPUS_PER_TASK=5] [SRUN_ARGS="..."] \
#   tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]
# GPUS tasks in all, GPUS_PER_NODE per node; each runs tools/test.py --launcher slurm (rank, world
# size and master address from Slurm; MASTER_PORT from the environment, default 29500). The srun
# command line is tools/slurm_launch.sh's.
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]" >&2
    exit 2
fi
GPUS=${GPUS:-4} GPUS_PER_NODE=${GPUS_PER_NODE:-4} exec bash "$(dirname "$0")/slurm_launch.sh" \
    "$1" "$2" test.py "$3" "$4" --launcher=slurm "${@:5}"
