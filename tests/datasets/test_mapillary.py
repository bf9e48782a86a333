"""MapillaryCityscapesDataset reads what tools/convert_datasets/mapillary.py writes: Cityscapes'
19 classes in Cityscapes' order, mapped labels, domain tag; missing folders name the command."""
import json

import numpy as np
import pytest
from PIL import Image

import slim_mmseg.openmmlab  # noqa: F401
from mmseg.datasets import CityscapesDataset
from mmseg.utils import register_all_modules
from seg_dataset import build_seg_dataset
from tool_module import load_tool
from slim_mmseg.datasets.mapillary_labels import MAPILLARY_V12_TO_CITYSCAPES

register_all_modules(init_default_scope=True)
convert_mapillary = load_tool('convert_datasets/mapillary.py', 'convert_mapillary')


def build(root, **kwargs):
    return build_seg_dataset('MapillaryCityscapesDataset', root, 'validation/images', 'validation/labels', **kwargs)


def test_reads_converted_labels_in_cityscapes_order(tmp_path):
    raw = tmp_path / 'mapillary'
    (raw / 'validation/images').mkdir(parents=True)
    (raw / 'validation/labels').mkdir(parents=True)
    (raw / 'config.json').write_text(json.dumps(dict(labels=[
        dict(readable=name) for _, name, _ in MAPILLARY_V12_TO_CITYSCAPES])))
    ids = np.array([[13, 55, 0, 65]] * 2, np.uint8)  # road, car, bird, unlabeled
    label = Image.frombytes('P', ids.shape[::-1], ids.tobytes())
    label.putpalette([channel for index in range(256) for channel in (index, 0, 0)])
    label.save(raw / 'validation/labels/key1.png')
    Image.fromarray(np.zeros((2, 4, 3), np.uint8)).save(raw / 'validation/images/key1.jpg')
    convert_mapillary.convert(str(raw), str(raw / 'cityscapes19'))

    dataset = build(raw / 'cityscapes19', domain='mapillary')
    assert dataset.metainfo['classes'] == CityscapesDataset.METAINFO['classes']
    sample = dataset[0]['data_samples']
    assert sample.metainfo['domain'] == 'mapillary'
    np.testing.assert_array_equal(sample.gt_sem_seg.data[0].numpy(), [[0, 13, 255, 255]] * 2)


def test_missing_folder_names_path_and_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'validation/images.*convert_datasets/mapillary.py'):
        build(tmp_path)
