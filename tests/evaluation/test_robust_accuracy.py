"""RobustTestLoop from a config: classifiers (every attack, worst case) and segmentors (PGD-n with
eps mapped through the data preprocessor, mIoU through the config's evaluator)."""
import gzip
import struct

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from tiny_experiment import REPO_ROOT, tiny_seg_config, write_tiny_seg_dataset

import slim_mmseg.openmmlab  # noqa: F401
from slim_mmseg.attacks import PGD, load_or_train_heads
from slim_mmseg.evaluation.robust_accuracy import UnitRangeSegmentor, segmentation_labels


def write_idx(path, array):
    header = struct.pack('>BBBB', 0, 0, 0x08, array.ndim) + struct.pack(f'>{array.ndim}i', *array.shape)
    with gzip.open(f'{path}.gz', 'wb') as idx_file:
        idx_file.write(header + array.astype(np.uint8).tobytes())


def classifier_runner(tmp_path, test_cfg):
    """The Fashion-MNIST adversarial-training demo config on 16 random fake images, fitted to them."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (16, 28, 28))
    for prefix in ('train', 't10k'):
        write_idx(tmp_path / f'{prefix}-images-idx3-ubyte', images)
        write_idx(tmp_path / f'{prefix}-labels-idx1-ubyte', np.arange(16) % 10)
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / 'fashion_mnist_at' / 'smallcnn_pgd-at.py'))
    for loader in (cfg.train_dataloader, cfg.test_dataloader):
        loader.update(num_workers=0, persistent_workers=False, batch_size=8)
        loader.dataset.data_root = str(tmp_path)
    # The loop reports classifiers itself; the config's evaluator stays (mmengine wants one) but is unused.
    cfg.work_dir = str(tmp_path / 'work')
    cfg.test_cfg = test_cfg
    runner = Runner.from_cfg(cfg)
    classifier = runner.model.model
    optimizer = torch.optim.Adam(classifier.parameters(), lr=1e-2)
    inputs, labels = torch.tensor(images, dtype=torch.float32).unsqueeze(1) / 255, torch.arange(16) % 10
    for _ in range(40):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(classifier(inputs), labels).backward()
        optimizer.step()
    return runner


def test_classifier_accuracy_per_attack_and_worst_case(tmp_path):
    heads_file = tmp_path / 'heads.pth'
    runner = classifier_runner(tmp_path, dict(
        type='RobustTestLoop', attacks=['clean', 'pgd20', 'lafeat', 'ssa'], eps=0.25,
        attack_options=dict(ssa=dict(steps=5), lafeat=dict(heads_file=str(heads_file), steps=5, betas=(0.5,)))))
    images = torch.stack([runner.test_dataloader.dataset[i]['inputs'] for i in range(16)]).float() / 255
    load_or_train_heads(runner.model.model, ['backbone.layer1', 'backbone.layer2'], images, str(heads_file), 'sha',
                        epochs=2)
    metrics = runner.test()
    assert metrics['robust/lafeat/accuracy'] <= metrics['robust/clean/accuracy']
    assert metrics['robust/lafeat/mean_linf'] <= 0.25 + 1e-6
    assert metrics['robust/clean/accuracy'] == 100.0
    assert metrics['robust/pgd20/accuracy'] == 0.0
    assert metrics['robust/pgd20/mean_linf'] == pytest.approx(0.25, abs=1e-6)
    assert 0 < metrics['robust/ssa/mean_l2'] and metrics['robust/ssa/accuracy'] <= 100.0
    assert metrics['robust/worst_case/accuracy'] == 0.0


def test_classifier_bad_attack_name_and_units(tmp_path):
    with pytest.raises(KeyError, match=r"unknown attack 'pgd' \(did you mean 'pgd20'\?\); registered: "):
        classifier_runner(tmp_path, dict(type='RobustTestLoop', attacks=['pgd'])).test()
    with pytest.raises(ValueError, match='not 8'):
        classifier_runner(tmp_path, dict(type='RobustTestLoop', eps=8)).test()
    with pytest.raises(ValueError, match='lafeat needs trained heads'):
        classifier_runner(tmp_path, dict(type='RobustTestLoop', attacks=['lafeat'])).test()


@pytest.fixture
def seg_runner(tmp_path):
    """The tiny FCN experiment (BN instead of SyncBN) to be trained for ``max_iters``, tested by ``test_cfg``."""
    def build(test_cfg, max_iters=40):
        data_root = tmp_path / 'data'
        if not data_root.exists():
            write_tiny_seg_dataset(data_root)
        cfg = tiny_seg_config(data_root, max_iters=max_iters, checkpoint_interval=max_iters)
        cfg.model.backbone.norm_cfg = cfg.model.decode_head.norm_cfg = dict(type='BN', requires_grad=True)
        cfg.work_dir = str(tmp_path / 'work')
        cfg.test_cfg = test_cfg
        return Runner.from_cfg(cfg)
    return build


def test_segmentor_pgd_lowers_miou_reported_per_attack(seg_runner):
    runner = seg_runner(dict(type='RobustTestLoop', attacks=['clean', 'pgd10'], eps=16 / 255))
    runner.train()
    metrics = runner.test()
    assert set(metrics) >= {'clean/mIoU', 'clean/aAcc', 'pgd10/mIoU', 'pgd10/aAcc'}
    # 40 iterations leave the 4-channel FCN weak (about 40 % aAcc); PGD must still cost accuracy.
    # Its mIoU is not monotone in accuracy on so weak a model (one thread: clean 13.54, PGD 14.75;
    # two threads: PGD lower), so only pixel accuracy is asserted to fall.
    assert metrics['pgd10/aAcc'] < metrics['clean/aAcc'] - 3
    assert 0 <= metrics['pgd10/mIoU'] <= 100 and metrics['pgd10/mIoU'] != metrics['clean/mIoU']


def test_segmentor_refuses_classification_attacks(seg_runner):
    with pytest.raises(ValueError, match=r"\['autoattack'\] are classification only"):
        seg_runner(dict(type='RobustTestLoop', attacks=['clean', 'autoattack'])).test()


def test_eps_maps_exactly_through_mean_and_std():
    mean, std = torch.tensor([123.675, 116.28, 103.53]), torch.tensor([58.395, 57.12, 57.375])

    class Identity(torch.nn.Module):
        decode_head = None

    wrapper = UnitRangeSegmentor(Identity(), mean, std)
    raw = torch.randint(0, 256, (2, 3, 4, 4)).float()
    normalised = (raw - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)
    images = wrapper.to_unit_range(normalised)
    assert torch.allclose(images * 255, raw, atol=1e-4)
    shifted = wrapper.normalise((images + 8 / 255).clamp(0, 1))
    change = (shifted - normalised).amax(dim=(0, 2, 3))
    assert torch.allclose(change, 8 / std, atol=1e-4)      # eps * 255 / std_c per channel


def test_labels_resized_to_the_input_and_padded_with_ignore_index():
    from mmseg.structures import SegDataSample
    from mmengine.structures import PixelData
    sample = SegDataSample(metainfo=dict(img_shape=(4, 4)))
    sample.gt_sem_seg = PixelData(data=torch.tensor([[[0, 1], [2, 0]]]))
    labels = segmentation_labels([sample], (4, 6), ignore_index=255)
    assert labels.shape == (1, 4, 6) and (labels[0, :, 4:] == 255).all()
    assert labels[0, :2, :2].eq(0).all() and labels[0, 2:, :2].eq(2).all()
    # PGD on a segmentation loss leaves ignored pixels out
    assert PGD(torch.nn.Identity(), ignore_index=255).ignore_index == 255
