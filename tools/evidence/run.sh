#!/usr/bin/env bash
# The evidence sweeps of docs/evidence.md, then its tables. `make evidence` runs it.
#
#   tools/evidence/run.sh [STAGE ...]     stages: data at at-long dg robust analysis tables (default: all, in that order)
#
# Environment: WORK_ROOT (default work_dirs/evidence; keep it outside a checkout that may change under a
# running sweep), WORKERS (1 or 2 one-thread workers, default 2), SEEDS (default "0 1 2 3 4"), PY.
# Every sweep resumes: recorded runs are skipped, a finished training is only tested, an interrupted one
# continues from its last epoch checkpoint (tools/run_seeds.py). Seeds are outermost in each worker, so
# whole seeds complete first. `robust` and `analysis` evaluate recorded checkpoints, their runs split between
# the workers (--shard K/N); a failed evaluation is reported and retried by a rerun. Each sweep prints its wall
# time. `tables` copies the records into docs/evidence_records/ and regenerates the results section of
# docs/evidence.md, its figure, and the README's headline tables.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
WORK_ROOT=${WORK_ROOT:-work_dirs/evidence}
WORKERS=${WORKERS:-2}
SEEDS=${SEEDS:-0 1 2 3 4}
export OMP_NUM_THREADS=1
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
E=configs/fashion_mnist_evidence
C=configs/fashion_mnist_c
STAGES=${*:-data at at-long dg robust analysis tables}

# AT short schedule: two lists of similar cost (one per worker); the attack-strength control is
# appended to list A per seed (seed 0: the grid; later seeds: the step attack_control.py chooses).
AT_A="$E/at_pgd-at.py $E/at_pgd-at_slim-mean.py $E/at_pgd-at_slim-paper.py $E/at_pgd-at_slim-balanced.py $E/at_natural.py"
AT_B="$E/at_trades.py $E/at_trades_slim-mean.py $E/at_trades_slim-paper.py $E/at_trades_slim-balanced.py $E/at_pgd-cs-at.py $E/at_mart.py"
AT_CONTROL_GRID="$E/at_pgd-at_step0.0125.py $E/at_pgd-at_step0.00625.py $E/at_pgd-at_step0.003125.py"
LONG_A="$E/long_pgd-at.py $E/long_pgd-at_slim-balanced.py"
LONG_B="$E/long_pgd-at_slim-mean.py $E/long_pgd-at_slim-paper.py"
DG_A="$C/wrn16_1_erm.py $C/wrn16_1_asa.py $C/wrn16_1_asa-slim-balanced.py"
DG_B="$C/wrn16_1_dsu.py $C/wrn16_1_asa-slim-mean.py $C/wrn16_1_asa-slim-paper.py"

sweep_seeds() {  # ROOT CHECKPOINTS CONFIGS... (CONTROL as a config name adds the attack-strength control)
    local root=$1 checkpoints=$2; shift 2
    for seed in $SEEDS; do
        local configs=()
        for config in "$@"; do
            if [ "$config" = CONTROL ]; then
                if [ "$seed" = 0 ]; then
                    configs+=($AT_CONTROL_GRID)
                else
                    local chosen
                    chosen=$($PY tools/evidence/attack_control.py "$root")
                    if [ -n "$chosen" ]; then configs+=("$chosen")
                    else echo "attack-strength control of seed $seed deferred: seed 0 of its grid or of PGD-AT + SLIM has not finished"; fi
                fi
            else
                configs+=("$config")
            fi
        done
        # one run_seeds call per config, so that a row that fails (reported) does not stop the others
        for config in "${configs[@]}"; do
            $PY tools/run_seeds.py --seeds "$seed" --checkpoint $checkpoints --work-root "$root" "$config" \
                || echo "FAILED: $config seed $seed (exit $?); the rest of the sweep goes on, a rerun retries it" >&2
        done
    done
}

two_workers() {  # NAME ROOT CHECKPOINTS "LIST A" "LIST B"
    local name=$1 root=$2 checkpoints=$3 list_a=$4 list_b=$5 start=$SECONDS
    if [ "$WORKERS" = 1 ]; then
        # one worker: both lists per seed, seeds outermost
        local saved=$SEEDS
        for seed in $saved; do
            SEEDS=$seed sweep_seeds "$root" "$checkpoints" $list_a $list_b
        done
        SEEDS=$saved
    else
        sweep_seeds "$root" "$checkpoints" $list_a > "$root.worker_a.log" 2>&1 & local a=$!
        sweep_seeds "$root" "$checkpoints" $list_b > "$root.worker_b.log" 2>&1 & local b=$!
        wait $a && wait $b
    fi
    echo "sweep $name: wall time $((SECONDS - start)) s ($WORKERS worker(s))"
}

evaluation_workers() {  # NAME SCRIPT: an evaluation stage, its runs split between the workers (--shard K/N)
    local name=$1 script=$2 start=$SECONDS pids=() status=0
    for ((k = 0; k < WORKERS; k++)); do
        $PY "$script" "$WORK_ROOT" --shard "$k/$WORKERS" > "$WORK_ROOT/$name.worker_$k.log" 2>&1 & pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
    echo "sweep $name: wall time $((SECONDS - start)) s ($WORKERS worker(s)); logs $WORK_ROOT/$name.worker_*.log"
    return $status
}

mkdir -p "$WORK_ROOT"
for stage in $STAGES; do
    case $stage in
        data) $PY tools/make_fashion_mnist_c.py --out data/fashion_mnist_c ;;
        at) two_workers at "$WORK_ROOT/at" last "$AT_A CONTROL" "$AT_B" ;;
        at-long) two_workers at-long "$WORK_ROOT/at_long" "best last" "$LONG_A" "$LONG_B" ;;
        dg) two_workers dg "$WORK_ROOT/dg" best "$DG_A" "$DG_B" ;;
        robust)  # AutoAttack, LAFEAT, SSA on 1,000 test images of the short AT runs
            evaluation_workers robust tools/evidence/robust_stage.py || echo "robust: some runs failed (logged); a rerun retries them" >&2 ;;
        analysis)  # Table 5 (clustering) and Fig. 5 (weight noise): PGD-AT and one SLIM scale, every seed
            evaluation_workers analysis tools/evidence/analysis_stage.py || echo "analysis: some runs failed (logged); a rerun retries them" >&2 ;;
        tables)
            mkdir -p docs/evidence_records
            for part in at at_long dg; do
                if [ -f "$WORK_ROOT/$part/records.jsonl" ]; then
                    cp "$WORK_ROOT/$part/records.jsonl" "docs/evidence_records/$part.jsonl"
                fi
            done
            for part in robust analysis; do
                if [ -f "$WORK_ROOT/at/$part.jsonl" ]; then cp "$WORK_ROOT/at/$part.jsonl" "docs/evidence_records/at_$part.jsonl"; fi
            done
            $PY tools/evidence/build_doc.py --records-dir docs/evidence_records --doc docs/evidence.md --readme README.md ;;
        *) echo "unknown stage '$stage'; valid: data at at-long dg robust analysis tables" >&2; exit 2 ;;
    esac
done
