"""tools/evaluate_targets.py on tiny fake targets prepared by our converters: exact values for a
model that predicts 'road' everywhere, and numbers unchanged by batch size and file names."""
import json
import shutil

import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from gta5_dg_fakes import REPO, write_gta5_dg_data
from tool_module import load_tool

CONFIG = REPO / 'configs/gta5_dg/erm_deeplabv3plus_r50-d16_4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_768x768.py'
TARGETS = ('cityscapes', 'bdd100k', 'mapillary')
# The paper config with a 4-channel ResNet-18 inside, so a CPU evaluates it in seconds.
TINY_MODEL = {
    'model.backbone.depth': 18, 'model.backbone.stem_channels': 8,
    'model.backbone.base_channels': 8, 'model.backbone.init_cfg': None,
    'model.decode_head.in_channels': 64, 'model.decode_head.channels': 16,
    'model.decode_head.c1_in_channels': 8, 'model.decode_head.c1_channels': 4,
    'model.auxiliary_head.in_channels': 32, 'model.auxiliary_head.channels': 8,
}
TEST_LOADER = ['test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False']
LABELS = {
    'cityscapes': 'data/cityscapes/gtFine/val/*/*_gtFine_labelTrainIds.png',
    'bdd100k': 'data/bdd100k/labels/sem_seg/masks/val/*.png',
    'mapillary': 'data/mapillary/cityscapes19/validation/labels/*.png',
}


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp('targets')
    write_gta5_dg_data(root)
    return root


def write_checkpoint(path, road_everywhere):
    """Predicts road everywhere, or a feature-dependent mix of road, sky and car."""
    from mmseg.registry import MODELS
    from mmseg.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(str(CONFIG))
    cfg.merge_from_dict(TINY_MODEL)
    torch.manual_seed(0)
    model = MODELS.build(Config(dict(m=cfg.model)).m)
    model.init_weights()
    classifier = model.decode_head.conv_seg
    with torch.no_grad():
        classifier.weight.zero_()
        classifier.bias.fill_(-100.0)
        if road_everywhere:
            classifier.bias[0] = 10.0
        else:
            for class_index in (0, 10, 13):
                classifier.weight[class_index].normal_(0, 1)
                classifier.bias[class_index] = 0.0
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return path


def evaluate(world, checkpoint, work_dir, *extra):
    return load_tool('evaluate_targets.py').main([
        str(CONFIG), str(checkpoint), '--work-dir', str(work_dir), *extra, '--cfg-options',
        *(f'{key}={value}' for key, value in TINY_MODEL.items()), *TEST_LOADER, f'visualizer.name={work_dir.name}'])


def test_road_everywhere_gives_the_hand_computed_table(world, monkeypatch, capsys):
    monkeypatch.chdir(world)
    checkpoint = write_checkpoint(world / 'road.pth', road_everywhere=True)
    table = evaluate(world, checkpoint, world / 'eval_road')

    expected = {}
    for target in TARGETS:
        labels = np.concatenate([np.array(Image.open(p)).ravel()
                                 for p in sorted(world.glob(LABELS[target]))])
        valid = labels[labels != 255]
        road = float(np.mean(valid == 0)) * 100
        assert set(np.unique(valid)) == {0, 10, 13}  # road, sky, car in every fake target
        expected[target] = (road + 0 + 0) / 3      # sky and car: labelled, never predicted
        assert table['per_class_IoU'][target]['road'] == pytest.approx(road, abs=1e-3)
        assert table['per_class_IoU'][target]['car'] == 0
        assert table['per_class_IoU'][target]['bus'] is None  # absent and never predicted
        assert table['mIoU'][target] == pytest.approx(expected[target], abs=1e-3)
    assert table['mean_mIoU'] == pytest.approx(np.mean(list(expected.values())), abs=1e-3)

    written = json.loads((world / 'eval_road' / 'targets_road.json').read_text())
    assert written['mIoU'] == table['mIoU'] and written['per_class_IoU'] == table['per_class_IoU']
    out = capsys.readouterr().out
    assert 'mean over targets' in out and f"{table['mean_mIoU']:.2f}" in out
    assert f"{table['mIoU']['mapillary']:.2f}" in out


def rename_targets(src, dst):
    """A copy of the prepared data whose target files carry other names, in another order."""
    shutil.copytree(src / 'data', dst / 'data')
    city = dst / 'data/cityscapes'
    for sub, suffix in (('leftImg8bit', '_leftImg8bit.png'), ('gtFine', '_gtFine_labelTrainIds.png')):
        folder = city / sub / 'val' / 'frankfurt'
        first, second = (folder / f'frankfurt_000000_{i:06d}{suffix}' for i in (0, 1))
        swap = folder / 'swap.tmp'
        first.rename(swap)
        second.rename(first)
        swap.rename(second)
    for folder, suffix in (('images/10k/val', '.jpg'), ('labels/sem_seg/masks/val', '.png')):
        for path in sorted((dst / 'data/bdd100k' / folder).iterdir()):
            path.rename(path.with_name('zz-' + path.stem[::-1] + suffix))


def test_batch_size_and_file_names_do_not_change_the_numbers(world, tmp_path, monkeypatch):
    monkeypatch.chdir(world)
    checkpoint = write_checkpoint(world / 'random.pth', road_everywhere=False)
    one = evaluate(world, checkpoint, world / 'eval_b1', '--batch-size', '1')
    two = evaluate(world, checkpoint, world / 'eval_b2', '--batch-size', '2')
    rename_targets(world, tmp_path)
    monkeypatch.chdir(tmp_path)
    renamed = evaluate(tmp_path, checkpoint, tmp_path / 'eval_renamed')
    assert len({round(one['mIoU'][t], 2) for t in TARGETS}) > 1  # a non-degenerate model
    for other in (two, renamed):
        for target in TARGETS:
            assert other['mIoU'][target] == pytest.approx(one['mIoU'][target], abs=1e-6)
            for name, iou in one['per_class_IoU'][target].items():
                assert other['per_class_IoU'][target][name] == pytest.approx(iou, abs=1e-6)


def test_unknown_target_lists_the_available_ones(world, monkeypatch):
    monkeypatch.chdir(world)
    with pytest.raises(ValueError, match=r"\['acdc'\].*cityscapes.*bdd100k.*mapillary"):
        evaluate(world, world / 'missing.pth', world / 'eval_x', '--targets', 'acdc')
