"""Generate the SynthStreets demo dataset (GTA5-layout source + Cityscapes-layout style-shifted targets).

    python tools/make_synthstreets.py --out data/synthstreets --seed 0

Deterministic (same seed and counts -> byte-identical files) and idempotent: if ``--out`` already holds
a generation with the same generator version, seed, counts and size, nothing is rewritten.
"""
import argparse
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from slim_mmseg.synthstreets import DEFAULT_OUT, TARGET_DOMAINS, SynthStreetsSpec, generate  # noqa: E402


def parse_args(argv=None):
    defaults = SynthStreetsSpec()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default=DEFAULT_OUT, help='output root (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=defaults.seed)
    parser.add_argument('--source-train', type=int, default=defaults.source_train)
    parser.add_argument('--source-val', type=int, default=defaults.source_val)
    parser.add_argument('--target-train', type=int, default=defaults.target_train)
    parser.add_argument('--target-val', type=int, default=defaults.target_val)
    parser.add_argument('--targets', nargs='+', default=list(defaults.targets), choices=TARGET_DOMAINS)
    parser.add_argument('--height', type=int, default=defaults.height)
    parser.add_argument('--width', type=int, default=defaults.width)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    spec = SynthStreetsSpec(seed=args.seed, height=args.height, width=args.width,
                            source_train=args.source_train, source_val=args.source_val,
                            target_train=args.target_train, target_val=args.target_val,
                            targets=tuple(args.targets))
    start = time.perf_counter()
    generate(args.out, spec)
    print(f'done in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()
