"""The output folder of a data generator (SynthStreets-C, Fashion-MNIST-C), kept by a manifest.

A generator writes its manifest file last, describing what it generated (source, seed, parameters).
Rerunning with the same manifest does nothing; another manifest means a stale generation, which is
removed before anything is written; a non-empty folder without a manifest is never written into.
"""
import argparse
import json
import os
import os.path as osp
from typing import Callable, Sequence


def is_current(out: str, manifest_name: str, wanted: dict, what: str, remove_stale: Callable[[str], None]) -> bool:
    """``True`` when ``out/manifest_name`` already describes the generation ``wanted``; otherwise clears a stale
    generation (its manifest, then ``remove_stale(out)``), refuses a non-empty folder without a
    manifest (naming ``what`` and the fix), creates ``out`` and returns ``False``."""
    manifest_path = osp.join(out, manifest_name)
    if osp.isfile(manifest_path):
        with open(manifest_path) as f:
            if json.load(f) == wanted:
                return True
        os.remove(manifest_path)
        remove_stale(out)
    elif osp.isdir(out) and os.listdir(out):
        raise FileExistsError(f'{out} exists, is not empty and has no {manifest_name}: refusing to write '
                              f'{what} into it. Choose another --out or remove the folder.')
    os.makedirs(out, exist_ok=True)
    return False


def generator_parser(description: str, source: str, source_help: str, out: str,
                     corruptions: Sequence[str]) -> argparse.ArgumentParser:
    """The command line every corruption generator shares: ``--source``, ``--out``, ``--seed`` and
    ``--corruptions`` (default: all); a generator adds its own options to the returned parser."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--source', default=source, help=f'{source_help} (default: %(default)s)')
    parser.add_argument('--out', default=out, help='output root (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--corruptions', nargs='+', default=list(corruptions), choices=corruptions)
    return parser
