import json

import pytest

from slim_mmseg.datasets.generated_output import is_current

WANTED = dict(seed=0, corruptions=['fog'])


def write(folder, manifest=None, other=()):
    folder.mkdir(parents=True, exist_ok=True)
    if manifest is not None:
        (folder / 'm.json').write_text(json.dumps(manifest))
    for name in other:
        (folder / name).write_text('x')


def test_the_same_manifest_means_nothing_to_do(tmp_path):
    write(tmp_path / 'out', WANTED, ['fog.npy'])
    removed = []
    assert is_current(str(tmp_path / 'out'), 'm.json', WANTED, 'X', removed.append)
    assert not removed and (tmp_path / 'out' / 'fog.npy').is_file()


def test_another_manifest_is_a_stale_generation_removed_before_writing(tmp_path):
    write(tmp_path / 'out', dict(WANTED, seed=1), ['fog.npy'])
    removed = []
    assert not is_current(str(tmp_path / 'out'), 'm.json', WANTED, 'X', removed.append)
    assert removed == [str(tmp_path / 'out')] and not (tmp_path / 'out' / 'm.json').exists()


def test_a_missing_folder_is_created_and_a_foreign_one_refused(tmp_path):
    assert not is_current(str(tmp_path / 'new'), 'm.json', WANTED, 'X', pytest.fail)
    assert (tmp_path / 'new').is_dir()
    write(tmp_path / 'foreign', None, ['notes.txt'])
    with pytest.raises(FileExistsError, match="has no m.json: refusing to write X into it. Choose another --out"):
        is_current(str(tmp_path / 'foreign'), 'm.json', WANTED, 'X', pytest.fail)


def test_the_generators_share_one_command_line():
    from slim_mmseg.datasets.generated_output import generator_parser
    parser = generator_parser('X', 'src', 'the source folder', 'dst', ('fog', 'rain'))
    args = parser.parse_args(['--seed', '3', '--corruptions', 'rain'])
    assert (args.source, args.out, args.seed, args.corruptions) == ('src', 'dst', 3, ['rain'])
    assert parser.parse_args([]).corruptions == ['fog', 'rain']
    with pytest.raises(SystemExit):
        parser.parse_args(['--corruptions', 'snow'])
