"""The domain-generalisation configs resolve to the experiments they resolved to when the snapshot was
taken (tests/configs/resolved_dg_configs.json: a hash of each leaf's resolved config), the tree is what
tools/generate_dg_configs.py writes, and every method row is a short leaf.

After an intended change to a DG experiment: `python tools/resolved_configs.py --dump DIR` on the
commits before and after and `--compare` between them show what changed, key by key; then refresh
the snapshot: `python tools/resolved_configs.py --hashes --under pacs vlcs office_home terra_incognita
cifar10c digits_demo demo gta5_dg > tests/configs/resolved_dg_configs.json`."""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DG_FOLDERS = ('pacs', 'vlcs', 'office_home', 'terra_incognita', 'cifar10c', 'digits_demo', 'demo', 'gta5_dg')
SNAPSHOT = json.loads((Path(__file__).with_name('resolved_dg_configs.json')).read_text())


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / 'tools' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


resolved = load_tool('resolved_configs')
DG_LEAVES = [leaf for leaf in resolved.leaves() if leaf.split('/')[0] in DG_FOLDERS]


def test_snapshot_names_every_dg_leaf():
    assert sorted(SNAPSHOT) == DG_LEAVES


@pytest.mark.parametrize('leaf', DG_LEAVES)
def test_resolved_config_is_unchanged(leaf):
    assert resolved.digest(resolved.resolved_text(leaf)) == SNAPSHOT[leaf], (
        f'{leaf} resolves to a different experiment than the snapshot: see this module\'s docstring')


def test_tree_is_what_the_generator_writes():
    generator = load_tool('generate_dg_configs')
    files = generator.expected_files()
    assert [str(p) for p, text in files.items() if not p.exists() or p.read_text() != text] == []
    generated = {str(p.relative_to(generator.CONFIGS)) for p in files}
    hand_written = {leaf for leaf in DG_LEAVES if leaf not in generated}
    # Only the SynthStreets AdvStyle-Zhong ablations and the ASA + SLIM scale row are written by hand.
    assert hand_written and all(leaf.startswith(('demo/ablations/advstyle-zhong', 'demo/strength/asa-slim-'))
                                for leaf in hand_written)


@pytest.mark.parametrize('leaf', DG_LEAVES)
def test_method_rows_are_short_leaves(leaf):
    text = (resolved.CONFIGS / leaf).read_text()
    assert len(text.splitlines()) <= 4
    assert '_delete_=True, type=' not in text and '{{_base_' not in text


def test_differences_names_changed_new_and_gone_keys():
    old = {'a': 1, 'b': {'c': [1, 2]}, 'gone': 0}
    new = {'a': 1, 'b': {'c': [1, 3]}, 'new': 0}
    assert list(resolved.differences(old, new)) == ['b.c[1]: 2 -> 3', 'gone (gone)', 'new (new)']
    assert list(resolved.differences(old, old)) == []
