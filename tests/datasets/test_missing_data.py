"""The one folder check (DataFolderCheckMixin) that every segmentation dataset of ours runs."""
from pathlib import Path

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from PIL import Image

import slim_mmseg.openmmlab  # noqa: F401  (registers the datasets)

# (dataset config, image file, label file, words of its hint) per dataset class, paths relative to data_root.
LAYOUTS = {
    'GTA5Dataset': (dict(), 'images/00001.png', 'labels/00001.png', 'make_synthstreets'),
    'CityscapesDomainDataset': (
        dict(data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val')),
        'leftImg8bit/val/ville/ville_000000_000000_leftImg8bit.png',
        'gtFine/val/ville/ville_000000_000000_gtFine_labelTrainIds.png', 'csCreateTrainIdLabelImgs'),
    'BDD100KDomainDataset': (
        dict(data_prefix=dict(img_path='images/10k/val', seg_map_path='labels/sem_seg/masks/val')),
        'images/10k/val/a.jpg', 'labels/sem_seg/masks/val/a.png', 'convert_datasets/bdd100k.py'),
    'MapillaryCityscapesDataset': (
        dict(data_prefix=dict(img_path='validation/images', seg_map_path='validation/labels')),
        'validation/images/a.jpg', 'validation/labels/a.png', 'convert_datasets/mapillary.py'),
}


def write(path: Path, channels: int):
    path.parent.mkdir(parents=True, exist_ok=True)
    shape = (4, 8, 3) if channels == 3 else (4, 8)
    Image.fromarray(np.zeros(shape, np.uint8)).save(path)


def build(dataset_type, root, **extra):
    init_default_scope('mmseg')
    config, *_ = LAYOUTS[dataset_type]
    return DATASETS.build(dict(type=dataset_type, data_root=str(root), pipeline=[], **config, **extra))


@pytest.mark.parametrize('dataset_type', sorted(LAYOUTS))
def test_complete_folder_loads(dataset_type, tmp_path):
    _, image, label, _ = LAYOUTS[dataset_type]
    write(tmp_path / image, 3)
    write(tmp_path / label, 1)
    dataset = build(dataset_type, tmp_path, domain='somewhere')
    assert len(dataset) == 1 and dataset.get_data_info(0)['domain'] == 'somewhere'
    assert dataset.get_data_info(0)['seg_map_path'] == str(tmp_path / label)


@pytest.mark.parametrize('dataset_type', sorted(LAYOUTS))
def test_each_missing_piece_is_named_with_the_hint(dataset_type, tmp_path):
    _, image, label, hint = LAYOUTS[dataset_type]
    image_dir = str(tmp_path / Path(image).parts[0])
    with pytest.raises(FileNotFoundError, match=rf'image folder not found: .*{image_dir}.*{hint}'):
        build(dataset_type, tmp_path)
    (tmp_path / image).parent.mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=rf'label folder not found: .*{hint}'):
        build(dataset_type, tmp_path)
    (tmp_path / label).parent.mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=rf'no \*\S+ images under .*{hint}'):
        build(dataset_type, tmp_path)
    write(tmp_path / image, 3)
    with pytest.raises(FileNotFoundError, match=rf'1 .* label maps missing: {tmp_path / label}\. .*{hint}'):
        build(dataset_type, tmp_path)


def test_split_list_naming_absent_images_is_refused(tmp_path):
    _, image, label, _ = LAYOUTS['GTA5Dataset']
    write(tmp_path / image, 3)
    write(tmp_path / label, 1)
    with pytest.raises(FileNotFoundError, match=r'split list \(ann_file\) not found: .*splits/val\.txt'):
        build('GTA5Dataset', tmp_path, ann_file='splits/val.txt')
    (tmp_path / 'splits').mkdir()
    (tmp_path / 'splits/val.txt').write_text('00001\n00002\n')
    with pytest.raises(FileNotFoundError, match=r'1 GTA5 images missing: .*images/00002\.png'):
        build('GTA5Dataset', tmp_path, ann_file='splits/val.txt')


def test_synthstreets_hint_names_the_generator_and_its_default_folder():
    from slim_mmseg.datasets.missing_data import SYNTHSTREETS_HINT
    from slim_mmseg.synthstreets import DEFAULT_OUT

    assert SYNTHSTREETS_HINT.endswith(f'python tools/make_synthstreets.py --out {DEFAULT_OUT}')
    assert (Path(__file__).resolve().parents[2] / 'tools/make_synthstreets.py').is_file()
