"""Generate SynthStreets-C: the demo's source-val split under 11 corruptions x 5 severities.

    python tools/make_synthstreets_c.py [--source data/synthstreets] [--out data/synthstreets_c]
        [--seed 0] [--corruptions fog rain ...]

Corruptions, their per-severity parameters and the on-disk layout: ``slim_mmseg.synthstreets.corruptions``
and docs/inference_and_tools.md. Deterministic (same source, seed and corruptions -> byte-identical
files) and idempotent (an up-to-date ``--out`` is left alone). Evaluate a checkpoint on it with
``tools/evaluate_corruptions.py``.
"""
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from slim_mmseg.datasets.generated_output import generator_parser  # noqa: E402
from slim_mmseg.synthstreets import DEFAULT_OUT  # noqa: E402
from slim_mmseg.synthstreets.corruptions import CORRUPTIONS, generate_corruptions  # noqa: E402

DEFAULT_C_OUT = 'data/synthstreets_c'


def parse_args(argv=None):
    return generator_parser(__doc__, DEFAULT_OUT, 'SynthStreets root', DEFAULT_C_OUT, CORRUPTIONS).parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    generate_corruptions(args.source, args.out, seed=args.seed, corruptions=tuple(args.corruptions))
    print(f'done in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()
