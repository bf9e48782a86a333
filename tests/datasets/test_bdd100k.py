"""BDD100KDomainDataset reads what tools/convert_datasets/bdd100k.py writes, in Cityscapes' class
order, with the domain tag; a missing folder names the preparing command."""

import numpy as np
import pytest
from PIL import Image

import slim_mmseg.openmmlab  # noqa: F401
from mmseg.datasets import CityscapesDataset
from mmseg.utils import register_all_modules
from seg_dataset import build_seg_dataset
from tool_module import load_tool

register_all_modules(init_default_scope=True)
convert_bdd100k = load_tool('convert_datasets/bdd100k.py', 'convert_bdd100k')


def build(root, **kwargs):
    return build_seg_dataset('BDD100KDomainDataset', root, 'images/10k/val', 'labels/sem_seg/masks/val', **kwargs)


def test_reads_the_converted_2018_release_with_domain_tag(tmp_path):
    src = tmp_path / 'bdd100k_seg'
    (src / 'seg/images/val').mkdir(parents=True)
    (src / 'seg/labels/val').mkdir(parents=True)
    mask = np.array([[0, 18, 255, 19]] * 3, np.uint8)  # 19 is not a train id
    for name in ('b1c66a42-6f7d68ca', 'a91b7555-00000000'):
        Image.fromarray(np.zeros((3, 4, 3), np.uint8)).save(src / f'seg/images/val/{name}.jpg')
        Image.fromarray(mask).save(src / f'seg/labels/val/{name}_train_id.png')
    convert_bdd100k.convert(str(src), str(tmp_path / 'bdd100k'))

    dataset = build(tmp_path / 'bdd100k', domain='bdd100k')
    assert dataset.metainfo['classes'] == CityscapesDataset.METAINFO['classes']
    assert len(dataset) == 2
    sample = dataset[0]['data_samples']
    assert sample.metainfo['domain'] == 'bdd100k'
    assert sample.img_path.endswith('a91b7555-00000000.jpg')
    np.testing.assert_array_equal(sample.gt_sem_seg.data[0].numpy(), [[0, 18, 255, 255]] * 3)


def test_missing_folder_names_path_and_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'images/10k/val.*convert_datasets/bdd100k.py'):
        build(tmp_path, domain='bdd100k')
