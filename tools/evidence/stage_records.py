"""What the evaluation stages of docs/evidence.md share: their JSON-lines records and how two workers split the
runs of a stage between them.

A stage evaluates the runs of ``records.jsonl`` in file order; with ``--shard K/N`` a worker takes the runs whose
position in that order is K modulo N, so N workers started on the same records file split it without talking to
each other. A run whose command fails is reported and left unrecorded; the others go on. Each finished evaluation
appends one line to the stage's records file (one ``write`` of one line on a
file opened for appending, which two processes can share), and a rerun skips what is recorded.
"""
import json
import os.path as osp
import subprocess
import sys
import time
from typing import Callable, List, Sequence, Tuple


def read_jsonl(path: str) -> List[dict]:
    if not osp.isfile(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def append_record(path: str, record: dict) -> None:
    with open(path, 'a') as f:
        f.write(json.dumps(record) + '\n')


def parse_shard(text: str) -> Tuple[int, int]:
    """``'K/N'`` -> ``(K, N)`` with ``0 <= K < N``."""
    index, _, count = text.partition('/')
    try:
        index, count = int(index), int(count)
    except ValueError:
        raise ValueError(f"--shard takes K/N, e.g. 0/2 and 1/2 for two workers; got '{text}'") from None
    if not 0 <= index < count:
        raise ValueError(f'--shard {text}: K must be in 0..N-1')
    return index, count


def run_commands(commands: Sequence[Sequence[str]]) -> bool:
    """Runs the commands of one evaluation in order; ``False`` (reported) at the first that fails."""
    for command in commands:
        print('+ ' + ' '.join(command), flush=True)
        try:
            subprocess.run(command, check=True)
        except subprocess.CalledProcessError as error:
            print(f'FAILED (exit {error.returncode}): {" ".join(command)}; a rerun retries it', flush=True)
            return False
    return True


def evaluate_runs(stage: str, runs: Sequence[dict], shard: Tuple[int, int], out: str,
                  commands_of: Callable[[dict, str], List[List[str]]], metrics_of: Callable[[str], dict],
                  **fields) -> None:
    """Evaluates this shard's runs that ``out`` has not recorded: ``commands_of(run, work_dir)`` into
    ``<run dir>/<stage>``, then one record with ``fields`` and ``metrics_of(work_dir)``. Exits non-zero, naming
    them, when some failed."""
    done = {(r['name'], r['seed']) for r in read_jsonl(out)}
    index, count = shard
    failed = []
    for position, record in enumerate(runs):
        if position % count != index or (record['name'], record['seed']) in done:
            continue
        work_dir = osp.join(osp.dirname(record['checkpoint']), stage)
        start = time.perf_counter()
        if not run_commands(commands_of(record, work_dir)):
            failed.append(f"{record['name']} seed {record['seed']}")
            continue
        append_record(out, dict(name=record['name'], config=record['config'], seed=record['seed'],
                                checkpoint=record['checkpoint'], **fields, metrics=metrics_of(work_dir),
                                seconds=round(time.perf_counter() - start, 1)))
    if failed:
        sys.exit(f'{stage} stage: {len(failed)} run(s) failed: {", ".join(failed)}')
