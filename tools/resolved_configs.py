"""Resolved configs of the leaf configs, to check that a refactoring of configs/ changes no experiment.

A leaf's resolved config is mmengine's ``Config.fromfile(path).to_dict()`` written as JSON with
sorted keys; its hash is the first 16 hex digits of the SHA-256 of that text.

    python tools/resolved_configs.py --dump DIR            # one JSON file per leaf (a/b.py -> a__b.py.json)
    python tools/resolved_configs.py --hashes [--under FOLDER ...] > FILE.json  # {leaf: hash}
    python tools/resolved_configs.py --compare OLD_DIR [--rename MAP.json]
        # key-by-key comparison with an earlier --dump (through an old -> new name map), printing
        # the count of identical / different / new leaves and, per difference, the dotted keys.
"""
import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Dict, Iterator, List

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / 'configs'


def leaves(configs: Path = CONFIGS) -> List[str]:
    """Every config outside ``_base_`` folders, relative to ``configs``."""
    return sorted(str(p.relative_to(configs)) for p in configs.rglob('*.py') if '_base_' not in p.parts)


def resolved_text(leaf: str, configs: Path = CONFIGS) -> str:
    from mmengine.config import Config
    return json.dumps(Config.fromfile(str(configs / leaf)).to_dict(), sort_keys=True, indent=1, default=repr)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def dump_name(leaf: str) -> str:
    return leaf.replace('/', '__') + '.json'


def differences(old, new, prefix: str = '') -> Iterator[str]:
    """Dotted keys (list indices as [i]) whose values differ between two JSON values."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            where = f'{prefix}.{key}' if prefix else key
            if key not in old:
                yield f'{where} (new)'
            elif key not in new:
                yield f'{where} (gone)'
            else:
                yield from differences(old[key], new[key], where)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            yield from differences(a, b, f'{prefix}[{i}]')
    elif old != new:
        yield f'{prefix}: {old!r} -> {new!r}'


def compare(old_dir: Path, rename: Dict[str, str]) -> int:
    current = leaves()
    old_by_new = {rename.get(p.name[:-5].replace('__', '/'), p.name[:-5].replace('__', '/')): p
                  for p in sorted(old_dir.glob('*.json'))}
    same, changed, added = [], [], []
    for leaf in current:
        if leaf not in old_by_new:
            added.append(leaf)
            continue
        old, new = json.loads(old_by_new[leaf].read_text()), json.loads(resolved_text(leaf))
        keys = list(differences(old, new))
        (changed if keys else same).append(leaf)
        for key in keys:
            print(f'DIFFERENT {leaf}: {key}')
    gone = sorted(set(old_by_new) - set(current))
    for leaf in gone:
        print(f'GONE {leaf}')
    print(f'{len(same)} identical, {len(changed)} different, {len(added)} new, {len(gone)} gone '
          f'(of {len(old_by_new)} earlier leaves)')
    return 1 if changed or gone else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--dump', type=Path, metavar='DIR')
    group.add_argument('--hashes', action='store_true')
    group.add_argument('--compare', type=Path, metavar='OLD_DIR')
    parser.add_argument('--rename', type=Path, help='JSON {old leaf: new leaf} for --compare')
    parser.add_argument('--under', nargs='+', metavar='FOLDER', help='only leaves under these folders of configs/')
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    chosen = [leaf for leaf in leaves() if not args.under or leaf.split('/')[0] in args.under]
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for leaf in chosen:
            (args.dump / dump_name(leaf)).write_text(resolved_text(leaf))
        return 0
    if args.hashes:
        print(json.dumps({leaf: digest(resolved_text(leaf)) for leaf in chosen}, indent=0, sort_keys=True))
        return 0
    return compare(args.compare, json.loads(args.rename.read_text()) if args.rename else {})


if __name__ == '__main__':
    sys.exit(main())
