# Single entry point. Every target creates/refreshes the virtual environment first (idempotent).
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_CONFIG ?= configs/demo/asa-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py
DEMO_WORK_DIR ?= work_dirs/demo

.PHONY: setup demo test benchmark demo-table demo-strength demo-ablation demo-at evidence

setup:
	@bash tools/setup_env.sh

# Generate SynthStreets, train ASA + SLIM (the paper's method) on its source, evaluate source-val and
# every target. AdvStyle-Zhong + SLIM: make demo DEMO_CONFIG=configs/demo/advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py
demo: setup
	$(PY) tools/make_synthstreets.py --out data/synthstreets
	$(PY) tools/train.py $(DEMO_CONFIG) --work-dir $(DEMO_WORK_DIR)
	$(PY) tools/test.py $(DEMO_CONFIG) $$(cat $(DEMO_WORK_DIR)/last_checkpoint) --work-dir $(DEMO_WORK_DIR)/test

test: setup
	$(PY) -m pytest tests

benchmark: setup
	$(PY) tools/benchmark_step.py

# Every method row on SynthStreets: ERM, pAdaIN, MixStyle, DSU, ASA, ASA + SLIM,
# AdvStyle-Zhong +- SLIM, 5 seeds each, then the table with the paired SLIM - base differences.
# Two 1-thread workers (one per core of a 2-core machine), seeds outermost in each, so that an
# interrupted sweep has whole seeds; rerunning skips recorded runs.
DEMO_TABLE_DIR ?= work_dirs/demo_table
DEMO_TABLE_SEEDS ?= 0 1 2 3 4
DEMO_ROWS_A := $(foreach m,erm padain mixstyle dsu asa,configs/demo/$(m)_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py)
DEMO_ROWS_B := $(foreach m,asa-slim advstyle-zhong advstyle-zhong-slim,configs/demo/$(m)_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py)
DEMO_TABLE_COLUMNS := --metrics source_val/mIoU overcast/mIoU foggy/mIoU dusk/mIoU target_mean/mIoU \
	--labels source-val overcast foggy dusk 'target mean'
demo-table: setup
	$(PY) tools/make_synthstreets.py --out data/synthstreets
	for seed in $(DEMO_TABLE_SEEDS); do OMP_NUM_THREADS=1 $(PY) tools/run_seeds.py --seeds $$seed \
	    --work-root $(DEMO_TABLE_DIR) $(DEMO_ROWS_A) || exit 1; done & a=$$!; \
	for seed in $(DEMO_TABLE_SEEDS); do OMP_NUM_THREADS=1 $(PY) tools/run_seeds.py --seeds $$seed \
	    --work-root $(DEMO_TABLE_DIR) $(DEMO_ROWS_B) || exit 1; done & b=$$!; \
	wait $$a && wait $$b
	$(PY) tools/make_results_table.py $(DEMO_TABLE_DIR)/records.jsonl \
	    $(DEMO_TABLE_COLUMNS) \
	    --rows ERM=erm_* pAdaIN=padain_* MixStyle=mixstyle_* DSU=dsu_* 'AdvStyle (ASA)=asa_*' \
	           'ASA + SLIM=asa-slim_*' 'AdvStyle-Zhong=advstyle-zhong_*' 'AdvStyle-Zhong + SLIM=advstyle-zhong-slim_*' \
	    --paired 'ASA + SLIM=AdvStyle (ASA)' 'AdvStyle-Zhong + SLIM=AdvStyle-Zhong'

# SLIM's strength on ASA (docs/results.md, "SLIM's strength on ASA"): ASA, ASA + SLIM at scale 'mean' and at
# 'balanced', 5 seeds each on the current code, two 1-thread workers (seeds 0 2 4 and 1 3), then the table
# with the paired SLIM - ASA differences.
DEMO_STRENGTH_DIR ?= work_dirs/demo_strength
DEMO_STRENGTH_ROWS := configs/demo/asa_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py \
	configs/demo/asa-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py \
	configs/demo/strength/asa-slim-balanced_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py
demo-strength: setup
	$(PY) tools/make_synthstreets.py --out data/synthstreets
	for seed in 0 2 4; do OMP_NUM_THREADS=1 $(PY) tools/run_seeds.py --seeds $$seed \
	    --work-root $(DEMO_STRENGTH_DIR) $(DEMO_STRENGTH_ROWS) || exit 1; done & a=$$!; \
	for seed in 1 3; do OMP_NUM_THREADS=1 $(PY) tools/run_seeds.py --seeds $$seed \
	    --work-root $(DEMO_STRENGTH_DIR) $(DEMO_STRENGTH_ROWS) || exit 1; done & b=$$!; \
	wait $$a && wait $$b
	$(PY) tools/make_results_table.py $(DEMO_STRENGTH_DIR)/records.jsonl $(DEMO_TABLE_COLUMNS) \
	    --rows 'AdvStyle (ASA)=asa_*' 'ASA + SLIM (mean)=asa-slim_*' 'ASA + SLIM (balanced)=asa-slim-balanced_*' \
	    --paired 'ASA + SLIM (mean)=AdvStyle (ASA)' 'ASA + SLIM (balanced)=AdvStyle (ASA)'

# The SLIM-strength investigation: AdvStyle-Zhong +- SLIM variants (configs/demo/ablations), 3 seeds each,
# against demo-table's AdvStyle-Zhong +- SLIM runs; checkpoints picked on source-val only.
DEMO_ABLATION_DIR ?= work_dirs/demo_ablation
demo-ablation: demo-table
	OMP_NUM_THREADS=1 $(PY) tools/run_seeds.py --seeds 0 1 2 --work-root $(DEMO_ABLATION_DIR) configs/demo/ablations/*.py
	$(PY) tools/make_results_table.py $(DEMO_TABLE_DIR)/records.jsonl $(DEMO_ABLATION_DIR)/*.jsonl \
	    $(DEMO_TABLE_COLUMNS) \
	    --rows 'AdvStyle-Zhong (step 0.2)=advstyle-zhong_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256' \
	           'AdvStyle-Zhong + random start 0.05=advstyle-zhong-rs0.05_*' \
	           'AdvStyle-Zhong + SLIM (step 0.2, layers 1-4)=advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256' \
	           'SLIM, layers 1-2=advstyle-zhong-slim-shallow_*' \
	           'SLIM, BN running statistics in the inner loop=advstyle-zhong-slim-bnrunning_*' \
	           'SLIM, 2 steps x 0.1=advstyle-zhong-slim-2steps_*' \
	           'AdvStyle-Zhong, step 0.4=advstyle-zhong-step0.4_*' \
	           'AdvStyle-Zhong + SLIM, step 0.4=advstyle-zhong-slim-step0.4_*'

# Adversarial training on Fashion-MNIST (Debian's dataset-fashion-mnist), PGD-AT and
# TRADES each with and without SLIM, 3 seeds; clean and PGD-20 (eps 0.1) accuracy of the last
# checkpoint. Two sweeps (PGD-AT, TRADES) run side by side, one core each, seeds outermost.
DEMO_AT_DIR ?= work_dirs/demo_at
DEMO_AT_SEEDS ?= 0 1 2
demo-at: setup
	for seed in $(DEMO_AT_SEEDS); do OMP_NUM_THREADS=1 $(PY) tools/run_seeds.py --seeds $$seed --checkpoint last \
	    --work-root $(DEMO_AT_DIR) configs/fashion_mnist_at/smallcnn_pgd-at.py \
	    configs/fashion_mnist_at/smallcnn_pgd-at_slim.py || exit 1; done & pgd=$$!; \
	for seed in $(DEMO_AT_SEEDS); do OMP_NUM_THREADS=1 $(PY) tools/run_seeds.py --seeds $$seed --checkpoint last \
	    --work-root $(DEMO_AT_DIR) configs/fashion_mnist_at/smallcnn_trades.py \
	    configs/fashion_mnist_at/smallcnn_trades_slim.py || exit 1; done & trades=$$!; \
	wait $$pgd && wait $$trades
	$(PY) tools/make_results_table.py $(DEMO_AT_DIR)/records.jsonl --metrics clean/accuracy pgd20/accuracy \
	    --labels clean PGD-20 \
	    --rows PGD-AT=smallcnn_pgd-at 'PGD-AT + SLIM=smallcnn_pgd-at_slim' TRADES=smallcnn_trades \
	           'TRADES + SLIM=smallcnn_trades_slim'

# The pre-registered evidence (docs/evidence.md): Fashion-MNIST adversarial training (short and long
# schedules) and Fashion-MNIST -> Fashion-MNIST-C, 5 seeds per row, two 1-thread workers; reruns only
# what is missing (interrupted trainings resume from their last epoch), prints each sweep's wall time,
# then regenerates every table of docs/evidence.md from the records (docs/evidence_records/).
EVIDENCE_DIR ?= work_dirs/evidence
EVIDENCE_WORKERS ?= 2
evidence: setup
	WORK_ROOT=$(EVIDENCE_DIR) WORKERS=$(EVIDENCE_WORKERS) PY=$(PY) bash tools/evidence/run.sh
