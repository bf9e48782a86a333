"""A tiny segmentation experiment that trains in seconds on a CPU, and a runner for the
command-line tools, shared by the tool, engine and distributed tests."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from mmengine.config import Config
from PIL import Image

TINY_CLASSES = ('road', 'car', 'sky')
TESTS_DIR = str(Path(__file__).resolve().parent)
REPO_ROOT = Path(__file__).resolve().parent.parent


def write_tiny_seg_dataset(root, num_images=4, size=32, seed=0):
    """Writes ``root/img/*.png`` RGB images and ``root/ann/*.png`` label maps (mmseg's
    ``BaseSegDataset`` layout) whose labels are learnable from colour."""
    rng = np.random.default_rng(seed)
    (root / 'img').mkdir(parents=True)
    (root / 'ann').mkdir(parents=True)
    for index in range(num_images):
        label = rng.integers(0, len(TINY_CLASSES), size=(size // 8, size // 8), dtype=np.uint8)
        label = label.repeat(8, axis=0).repeat(8, axis=1)
        image = (label[..., None] * 80 + rng.integers(0, 30, size=(size, size, 3))).astype(np.uint8)
        Image.fromarray(image).save(root / 'img' / f'{index:03d}.png')
        Image.fromarray(label).save(root / 'ann' / f'{index:03d}.png')
    return root


def tiny_seg_config(data_root, max_iters=2, checkpoint_interval=1, dump_state=False):
    """An iteration-based mmseg experiment: a ResNet-18 with 4 base channels under an FCN head.

    ``SyncBN`` is deliberate: it is what mmseg's own configs use, and the CPU distributed path
    must cope with it. ``dump_state`` adds ``state_dump_hook.StateDumpHook``.
    """
    norm_cfg = dict(type='SyncBN', requires_grad=True)
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),
        dict(type='PackSegInputs'),
    ]
    dataset = dict(
        type='BaseSegDataset',
        metainfo=dict(classes=TINY_CLASSES),
        data_root=str(data_root),
        data_prefix=dict(img_path='img', seg_map_path='ann'),
        img_suffix='.png',
        seg_map_suffix='.png',
        pipeline=pipeline)
    return Config(dict(
        default_scope='mmseg',
        custom_imports=dict(
            imports=['slim_mmseg.openmmlab'] + (['state_dump_hook'] if dump_state else []),
            allow_failed_imports=False),
        custom_hooks=[dict(type='StateDumpHook')] if dump_state else [],
        model=dict(
            type='EncoderDecoder',
            data_preprocessor=dict(
                type='SegDataPreProcessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                bgr_to_rgb=True,
                pad_val=0,
                seg_pad_val=255,
                size=(32, 32)),
            backbone=dict(
                type='ResNetV1c', depth=18, stem_channels=4, base_channels=4,
                out_indices=(3, ), norm_cfg=norm_cfg),
            decode_head=dict(
                type='FCNHead', in_channels=32, in_index=0, channels=8, num_convs=1,
                concat_input=False, dropout_ratio=0.0, num_classes=len(TINY_CLASSES),
                norm_cfg=norm_cfg, align_corners=False,
                loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
            train_cfg=dict(),
            test_cfg=dict(mode='whole')),
        train_dataloader=dict(
            batch_size=2, num_workers=0,
            sampler=dict(type='InfiniteSampler', shuffle=True), dataset=dataset),
        test_dataloader=dict(
            batch_size=1, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False), dataset=dataset),
        test_evaluator=dict(type='IoUMetric', iou_metrics=['mIoU']),
        tta_pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='TestTimeAug', transforms=[
                [dict(type='RandomFlip', prob=0.0, direction='horizontal'),
                 dict(type='RandomFlip', prob=1.0, direction='horizontal')],
                [dict(type='LoadAnnotations')],
                [dict(type='PackSegInputs')]]),
        ],
        tta_model=dict(type='SegTTAModel'),
        test_cfg=dict(type='TestLoop'),
        optim_wrapper=dict(
            type='OptimWrapper',
            optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005)),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters),
        default_hooks=dict(
            timer=dict(type='IterTimerHook'),
            logger=dict(type='LoggerHook', interval=1, log_metric_by_epoch=False),
            param_scheduler=dict(type='ParamSchedulerHook'),
            checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=checkpoint_interval),
            sampler_seed=dict(type='DistSamplerSeedHook'),
            visualization=dict(type='SegVisualizationHook')),
        env_cfg=dict(
            cudnn_benchmark=False,
            mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
            dist_cfg=dict(backend='nccl')),
        visualizer=dict(
            type='SegLocalVisualizer', vis_backends=[dict(type='LocalVisBackend')],
            name='visualizer'),
        log_processor=dict(by_epoch=False),
        log_level='INFO',
        randomness=dict(seed=0),
    ))


def run_tool(script, *args, cwd, env=None, timeout=300):
    """Runs ``tools/<script>`` in a fresh interpreter from ``cwd`` (a directory outside the
    repository), with ``tests/`` on ``PYTHONPATH`` (for ``state_dump_hook``); fails with the
    tail of the output. ``.sh`` scripts get the interpreter through ``$PYTHON``."""
    Path(cwd).mkdir(parents=True, exist_ok=True)
    full_env = dict(os.environ, OMP_NUM_THREADS='1', PYTHON=sys.executable, **(env or {}))
    full_env['PYTHONPATH'] = os.pathsep.join(
        [TESTS_DIR] + [p for p in [os.environ.get('PYTHONPATH')] if p])
    command = ([str(REPO_ROOT / 'tools' / script)] if script.endswith('.sh')
               else [sys.executable, str(REPO_ROOT / 'tools' / script)])
    result = subprocess.run(
        command + [str(arg) for arg in args], cwd=cwd, env=full_env, timeout=timeout,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert result.returncode == 0, f'{script} failed:\n{result.stdout[-6000:]}'
    return result.stdout


def write_tiny_experiment(directory, **overrides):
    """Writes the tiny dataset (once) and the config to ``directory``; returns the config
    path. Keyword arguments go to :func:`tiny_seg_config`."""
    data_root = Path(directory) / 'data'
    if not data_root.exists():
        write_tiny_seg_dataset(data_root)
    path = Path(directory) / 'tiny_fcn.py'
    tiny_seg_config(data_root, **overrides).dump(str(path))
    return path
