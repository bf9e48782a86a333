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
from typing import List, Sequence, Tuple


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
