import warnings

import numpy as np
import pytest
from cls_fake_data import write_fake_pacs
from mmseg.utils import register_all_modules

from slim_mmseg.datasets.pacs import PACS_CLASSES, PACSDataset

register_all_modules(init_default_scope=True)
PIPELINE = [dict(type='LoadImageFromFile'), dict(type='PackClsInputs')]


def test_leave_one_domain_out_splits(tmp_path):
    root = write_fake_pacs(tmp_path / 'PACS', images_per_split=(3, 2))
    sources = ['art_painting', 'cartoon', 'photo']
    train = PACSDataset(domains=sources, split='train', data_root=str(root), pipeline=PIPELINE)
    val = PACSDataset(domains=sources, split='crossval', data_root=str(root), pipeline=PIPELINE)
    target = PACSDataset(domains=['sketch'], split='test', data_root=str(root), pipeline=PIPELINE)
    assert (len(train), len(val), len(target)) == (9, 6, 5)
    assert {train.get_data_info(i)['domain'] for i in range(len(train))} == set(sources)
    train_paths = {train.get_data_info(i)['img_path'] for i in range(len(train))}
    val_paths = {val.get_data_info(i)['img_path'] for i in range(len(val))}
    assert not train_paths & val_paths
    # labels 1..7 in the files become 0..6 and match the class folder
    for i in range(len(target)):
        info = target.get_data_info(i)
        assert f'/{PACS_CLASSES[info["gt_label"]]}/' in info['img_path']
    sample = target[0]
    assert sample['inputs'].shape == (3, 40, 48)
    assert sample['data_samples'].domain == 'sketch'
    assert int(sample['data_samples'].gt_label) == target.get_data_info(0)['gt_label']


def test_missing_split_file_is_named(tmp_path):
    root = write_fake_pacs(tmp_path / 'PACS')
    (root / 'splits' / 'cartoon_crossval_kfold.txt').unlink()
    with pytest.raises(FileNotFoundError, match='cartoon_crossval_kfold.txt'):
        PACSDataset(domains=['photo', 'cartoon'], split='crossval', data_root=str(root))


def test_unknown_domain_and_inconsistent_label(tmp_path):
    root = write_fake_pacs(tmp_path / 'PACS')
    with pytest.raises(ValueError, match='valid'):
        PACSDataset(domains=['painting'], split='train', data_root=str(root))
    split_file = root / 'splits' / 'photo_train_kfold.txt'
    first = split_file.read_text().splitlines()[0]
    split_file.write_text(first.rsplit(' ', 1)[0] + ' 7\n')  # the folder says class 1
    with pytest.raises(ValueError, match='photo_train_kfold.txt:1'):
        PACSDataset(domains=['photo'], split='train', data_root=str(root))


def test_corrupt_image_fails_by_default_and_is_skipped_and_counted_on_request(tmp_path):
    root = write_fake_pacs(tmp_path / 'PACS', images_per_split=(3, 1))
    dataset = PACSDataset(domains=['photo'], split='train', data_root=str(root),
                          pipeline=PIPELINE)
    broken = dataset.get_data_info(1)['img_path']
    with open(broken, 'wb') as image:
        image.write(b'not an image')
    with pytest.raises(Exception, match=broken):
        PACSDataset(domains=['photo'], split='train', data_root=str(root),
                    pipeline=PIPELINE, test_mode=True)[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        skipping = PACSDataset(domains=['photo'], split='train', data_root=str(root),
                               pipeline=PIPELINE, skip_corrupt_images=True)
    assert skipping.skipped_images == [broken]
    assert len(skipping) == 2
    assert any('skipped 1 corrupt' in str(w.message) and broken in str(w.message)
               for w in caught)
    assert np.all([skipping.get_data_info(i)['img_path'] != broken for i in range(2)])
