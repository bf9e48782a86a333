"""GTA5Dataset + LoadGTA5Annotations (label ids -> train ids on the fly), Cityscapes label table,
domain tags and the Cityscapes-layout target dataset, on tiny fakes in the real layouts."""
import warnings

import cv2
import numpy as np
import pytest
from mmengine.dataset import ConcatDataset
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS

from slim_mmseg.datasets.cityscapes_labels import LABEL_ID_TO_TRAIN_ID, label_ids_to_train_ids
from slim_mmseg.synthstreets import SynthStreetsSpec, generate
from slim_mmseg.datasets.transforms.load_gta5_annotations import UnknownLabelWarning

META_KEYS = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'domain')
PIPELINE = [dict(type='LoadImageFromFile'), dict(type='LoadGTA5Annotations'),
            dict(type='PackSegInputs', meta_keys=META_KEYS)]
# label ids: road 7, car 26, sky 23, ego vehicle 1 (-> 255), 40 and 200 are not Cityscapes ids.
LABEL_IDS = np.array([[7, 7, 26, 23], [1, 40, 26, 200]], np.uint8)
TRAIN_IDS = np.array([[0, 0, 13, 10], [255, 255, 13, 255]], np.uint8)


@pytest.fixture(autouse=True)
def mmseg_scope():
    init_default_scope('mmseg')


def write_gta5(root, names=('00001', '00002'), label=LABEL_IDS, label_shape=None):
    (root / 'images').mkdir(parents=True, exist_ok=True)
    (root / 'labels').mkdir(exist_ok=True)
    for name in names:
        cv2.imwrite(str(root / 'images' / f'{name}.png'), np.full(label.shape + (3, ), 90, np.uint8))
        out = label if label_shape is None else np.zeros(label_shape, np.uint8)
        cv2.imwrite(str(root / 'labels' / f'{name}.png'), out)
    return root


def build(root, **kwargs):
    return DATASETS.build(dict(type='GTA5Dataset', data_root=str(root), pipeline=PIPELINE, **kwargs))


def test_label_table_matches_cityscapesscripts():
    labels = pytest.importorskip('cityscapesscripts.helpers.labels').labels
    reference = {lab.id: (lab.trainId if lab.trainId not in (-1, 255) else 255)
                 for lab in labels if lab.id >= 0}
    assert LABEL_ID_TO_TRAIN_ID == reference


def test_label_ids_map_to_train_ids_and_unknown_values_are_counted():
    train_ids, unknown = label_ids_to_train_ids(LABEL_IDS)
    np.testing.assert_array_equal(train_ids, TRAIN_IDS)
    assert unknown == {40: 1, 200: 1}


def test_dataset_loads_train_ids_counts_unknown_values_and_warns(tmp_path):
    dataset = build(write_gta5(tmp_path, names=('00001', '00002', '00003')), domain='gta5')
    assert len(dataset) == 3
    with pytest.warns(UnknownLabelWarning, match=r'1 label map.*00001\.png.*40: 1 px, 200: 1 px'):
        sample = dataset[0]
    np.testing.assert_array_equal(sample['data_samples'].gt_sem_seg.data[0].numpy(), TRAIN_IDS)
    assert sample['data_samples'].metainfo['domain'] == 'gta5'
    with pytest.warns(UnknownLabelWarning, match=r'2 label map.*40: 2 px, 200: 2 px'):
        dataset[1]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        dataset[2]  # counted, not reported: reports only at 1, 2, 4, 8, ... affected files
    assert dataset.unknown_label_pixels == {40: 3, 200: 3}


def test_split_list_selects_the_listed_stems(tmp_path):
    root = write_gta5(tmp_path, names=('00001', '00002', '00003'))
    (root / 'splits').mkdir()
    (root / 'splits/val.txt').write_text('00003\n00001\n')
    dataset = build(root, ann_file='splits/val.txt')
    assert [info['img_path'].rsplit('/', 1)[1] for info in dataset.load_data_list()] == \
        ['00003.png', '00001.png']


def test_size_mismatch_names_the_label_file(tmp_path):
    dataset = build(write_gta5(tmp_path, names=('00007', ), label_shape=(2, 3)))
    with pytest.raises(ValueError, match=r'labels/00007\.png: label size 2x3 .* size 2x4'):
        dataset[0]


def test_missing_root_or_split_names_the_path_and_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'nowhere/images.*tools/make_synthstreets\.py --out'):
        build(tmp_path / 'nowhere')
    write_gta5(tmp_path)
    with pytest.raises(FileNotFoundError, match=r'splits/train\.txt.*make_synthstreets'):
        build(tmp_path, ann_file='splits/train.txt')
    (tmp_path / 'labels/00002.png').unlink()
    with pytest.raises(FileNotFoundError, match=r'1 GTA5 label maps missing: .*labels/00002\.png'):
        build(tmp_path)


def test_plain_load_annotations_is_refused(tmp_path):
    with pytest.raises(ValueError, match='LoadGTA5Annotations'):
        DATASETS.build(dict(type='GTA5Dataset', data_root=str(write_gta5(tmp_path)),
                            pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]))


def test_reduce_zero_label_is_refused(tmp_path):
    with pytest.raises(ValueError, match='reduce_zero_label'):
        build(write_gta5(tmp_path), reduce_zero_label=True)


def test_domain_names_must_be_usable_as_metric_prefixes(tmp_path):
    with pytest.raises(ValueError, match='without "/"'):
        build(write_gta5(tmp_path), domain='a/b')


def test_synthstreets_source_and_targets_load_and_concatenate(tmp_path):
    spec = SynthStreetsSpec(height=32, width=64, source_train=2, source_val=2, target_train=0,
                            target_val=2, targets=('foggy', ))
    generate(str(tmp_path), spec, log=lambda _: None)
    source = build(tmp_path / 'gta5', ann_file='splits/val.txt', domain='source_val')
    target = DATASETS.build(dict(
        type='CityscapesDomainDataset', data_root=str(tmp_path / 'foggy'),
        data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'), domain='foggy',
        pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
                  dict(type='PackSegInputs', meta_keys=META_KEYS)]))
    both = ConcatDataset([source, target])
    assert len(both) == 4
    domains = [both[i]['data_samples'].metainfo['domain'] for i in range(4)]
    assert domains == ['source_val', 'source_val', 'foggy', 'foggy']
    for i in range(4):
        values = set(np.unique(both[i]['data_samples'].gt_sem_seg.data.numpy()).tolist())
        assert values <= set(range(19)) | {255} and 0 in values


def test_missing_cityscapes_layout_target_names_the_path_and_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'foggy/leftImg8bit/val.*make_synthstreets'):
        DATASETS.build(dict(type='CityscapesDomainDataset', data_root=str(tmp_path / 'foggy'),
                            data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
                            domain='foggy'))
    (tmp_path / 'foggy/leftImg8bit/val').mkdir(parents=True)
    (tmp_path / 'foggy/gtFine/val').mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=r'no \*_leftImg8bit\.png images under .*foggy'):
        DATASETS.build(dict(type='CityscapesDomainDataset', data_root=str(tmp_path / 'foggy'),
                            data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val')))
