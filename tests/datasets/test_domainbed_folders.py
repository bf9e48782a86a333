import warnings

import mmcv
import numpy as np
import pytest
from domainbed_fake_data import write_fake_domainbed
from mmseg.utils import register_all_modules

from slim_mmseg.datasets.domainbed_folders import (domainbed_holdout, domainbed_seed,
                                                    list_image_folder)
from slim_mmseg.datasets.office_home import OFFICE_HOME_CLASSES, OFFICE_HOME_DOMAINS, \
    OfficeHomeDataset
from slim_mmseg.datasets.terra_incognita import TERRA_INCOGNITA_CLASSES, \
    TERRA_INCOGNITA_DOMAINS, TerraIncognitaDataset
from slim_mmseg.datasets.vlcs import VLCS_CLASSES, VLCS_DOMAINS, VLCSDataset

register_all_modules(init_default_scope=True)
PIPELINE = [dict(type='LoadImageFromFile'), dict(type='PackClsInputs')]
DATASETS = [(VLCSDataset, VLCS_DOMAINS, VLCS_CLASSES),
            (OfficeHomeDataset, OFFICE_HOME_DOMAINS, OFFICE_HOME_CLASSES),
            (TerraIncognitaDataset, TERRA_INCOGNITA_DOMAINS, TERRA_INCOGNITA_CLASSES)]


def test_seed_and_split_equal_domainbeds():
    # Values printed by DomainBed's own domainbed/lib/misc.py (seed_hash, split_dataset) at
    # facebookresearch/DomainBed b93c22a.
    assert domainbed_seed(0, 0) == 894182419
    assert domainbed_seed(0, 3) == 1796103049
    assert domainbed_holdout(10, 0.2, domainbed_seed(0, 0)) == ([2, 3], [8, 1, 4, 5, 0, 9, 6, 7])
    assert domainbed_holdout(7, 0.2, domainbed_seed(1, 2)) == ([3], [6, 0, 1, 4, 5, 2])
    assert domainbed_holdout(12, 0.2, domainbed_seed(0, 1)) == (
        [0, 7], [3, 1, 5, 9, 8, 10, 6, 2, 11, 4])


def test_domain_and_class_lists_are_in_imagefolder_order():
    # DomainBed's domain index and ImageFolder's labels both come from sorted folder names.
    for _, domains, classes in DATASETS:
        assert list(domains) == sorted(domains) and list(classes) == sorted(classes)
    assert (len(VLCS_CLASSES), len(OFFICE_HOME_CLASSES), len(TERRA_INCOGNITA_CLASSES)) == \
        (5, 65, 10)
    assert OFFICE_HOME_CLASSES.index('TV') < OFFICE_HOME_CLASSES.index('Table')


def test_listing_follows_imagefolder(tmp_path):
    """Class folders sorted, files walked in sorted order (subfolders included), torchvision's
    extensions matched case-insensitively, anything else ignored."""
    root = tmp_path / 'VLCS' / 'SUN09'
    for relative in ['dog/b.JPG', 'dog/a.png', 'dog/sub/c.jpeg', 'bird/z.jpg', 'bird/notes.txt']:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(b'')
    samples, missing = list_image_folder(str(root), VLCS_CLASSES)
    assert [(s['img_path'][len(str(root)) + 1:], s['gt_label']) for s in samples] == [
        ('bird/z.jpg', 0), ('dog/a.png', 3), ('dog/b.JPG', 3), ('dog/sub/c.jpeg', 3)]
    assert missing == ['car', 'chair', 'person']


@pytest.mark.parametrize('dataset_class, domains, classes', DATASETS,
                         ids=lambda v: getattr(v, '__name__', ''))
def test_in_out_all_splits_per_domain(dataset_class, domains, classes, tmp_path):
    per_class = 3 if len(classes) < 20 else 1
    root = write_fake_domainbed(tmp_path / 'data', domains, classes, images_per_class=per_class)
    sources, target = list(domains[:3]), domains[3]
    build = dict(data_root=str(root), pipeline=PIPELINE)
    train = dataset_class(domains=sources, split='in', **build)
    val = dataset_class(domains=sources, split='out', **build)
    every = dataset_class(domains=sources, split='all', **build)
    n = per_class * len(classes)
    assert (len(train), len(val), len(every)) == (3 * (n - int(0.2 * n)), 3 * int(0.2 * n), 3 * n)
    paths = lambda ds: [ds.get_data_info(i)['img_path'] for i in range(len(ds))]  # noqa: E731
    assert not set(paths(train)) & set(paths(val))
    assert set(paths(train)) | set(paths(val)) == set(paths(every))
    # DomainBed's split of each domain: its index among the sorted domains seeds the shuffle
    for index, domain in enumerate(sources):
        listed = [p for p in paths(every) if f'/{domain}/' in p]
        held_out, kept = domainbed_holdout(n, 0.2, domainbed_seed(0, index))
        assert [p for p in paths(val) if f'/{domain}/' in p] == [listed[i] for i in held_out]
        assert [p for p in paths(train) if f'/{domain}/' in p] == [listed[i] for i in kept]
    test = dataset_class(domains=[target], split='in', test_mode=True, **build)
    for i in range(len(test)):
        info = test.get_data_info(i)
        assert info['domain'] == target
        assert f'/{target}/{classes[info["gt_label"]]}/' in info['img_path']
    sample = test[0]
    assert sample['inputs'].shape == (3, 16, 20)
    assert sample['data_samples'].domain == target
    assert int(sample['data_samples'].gt_label) == test.get_data_info(0)['gt_label']
    other_seed = dataset_class(domains=sources, split='out', trial_seed=1, **build)
    assert paths(other_seed) != paths(val) and len(other_seed) == len(val)


def test_missing_domain_names_the_folder_and_the_download(tmp_path):
    root = write_fake_domainbed(tmp_path / 'terra', TERRA_INCOGNITA_DOMAINS[:2],
                                TERRA_INCOGNITA_CLASSES)
    with pytest.raises(FileNotFoundError, match=r'terra/location_43.*caltech-camera-traps'):
        TerraIncognitaDataset(domains=['location_100', 'location_43'], split='in',
                              data_root=str(root))
    with pytest.raises(ValueError, match=r"valid: \('location_100'"):
        TerraIncognitaDataset(domains=['L100'], split='in', data_root=str(root))
    with pytest.raises(ValueError, match="'in', 'out', 'all'"):
        TerraIncognitaDataset(domains=['location_100'], split='train', data_root=str(root))


def test_wrong_root_and_missing_class_folders(tmp_path):
    root = write_fake_domainbed(tmp_path / 'VLCS', VLCS_DOMAINS, VLCS_CLASSES)
    # data_root one level too high: the domain folder holds the domain folder
    nested = tmp_path / 'nested'
    (nested / 'LabelMe' / 'LabelMe' / 'car').mkdir(parents=True)
    with pytest.raises(ValueError, match=r"not classes of this dataset: \['LabelMe'\].*data_root"):
        VLCSDataset(domains=['LabelMe'], split='all', data_root=str(nested))
    for image in (root / 'SUN09' / 'dog').iterdir():
        image.unlink()
    (root / 'SUN09' / 'dog').rmdir()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        dataset = VLCSDataset(domains=['SUN09'], split='all', data_root=str(root))
    assert dataset.missing_classes == {'SUN09': ['dog']}
    assert any("1 class folders missing" in str(w.message) for w in caught)
    assert sorted(dataset.get_data_info(i)['gt_label'] for i in range(len(dataset))) == [0, 1, 2, 4]


def test_corrupt_images_are_skipped_on_request(tmp_path):
    root = write_fake_domainbed(tmp_path / 'VLCS', VLCS_DOMAINS, VLCS_CLASSES)
    broken = root / 'VOC2007' / 'car' / 'img_0.jpg'
    broken.write_bytes(b'not an image')
    with pytest.warns(UserWarning, match='VLCSDataset skipped 1 corrupt'):
        dataset = VLCSDataset(domains=['VOC2007'], split='all', data_root=str(root),
                              skip_corrupt_images=True)
    assert dataset.skipped_images == [str(broken)] and len(dataset) == 4
    assert mmcv.imread(dataset.get_data_info(0)['img_path']) is not None
    assert np.all([dataset.get_data_info(i)['img_path'] != str(broken) for i in range(4)])
