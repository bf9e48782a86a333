"""Tiny fake classification datasets in the real on-disk layouts (PACS folders with official
split files, CIFAR-10 python pickles, CIFAR-10-C .npy files)."""
import os.path as osp
import pickle
from pathlib import Path

import mmcv
import numpy as np

from slim_mmseg.datasets.cifar10c import CIFAR10C_CORRUPTIONS
from slim_mmseg.datasets.pacs import PACS_CLASSES, PACS_DOMAINS


def write_fake_pacs(root, images_per_split=(2, 1), size=40, seed=0):
    """``images_per_split`` = (train, crossval) images per domain, cycling through the classes;
    ``*_test_kfold.txt`` lists all of them, as in the official release. Returns ``root``."""
    rng = np.random.default_rng(seed)
    root = Path(root)
    (root / 'splits').mkdir(parents=True, exist_ok=True)
    for domain in PACS_DOMAINS:
        lines = {'train': [], 'crossval': []}
        index = 0
        for split, count in zip(('train', 'crossval'), images_per_split):
            for _ in range(count):
                label = index % len(PACS_CLASSES) + 1
                ext = 'png' if domain == 'sketch' else 'jpg'
                relative = f'{domain}/{PACS_CLASSES[label - 1]}/pic_{index:03d}.{ext}'
                image = rng.integers(0, 256, (size, size + 8, 3), dtype=np.uint8)
                mmcv.imwrite(image, str(root / 'kfold' / relative))
                lines[split].append(f'{relative} {label}')
                index += 1
        for split, split_lines in [('train', lines['train']), ('crossval', lines['crossval']),
                                   ('test', lines['train'] + lines['crossval'])]:
            (root / 'splits' / f'{domain}_{split}_kfold.txt').write_text(
                '\n'.join(split_lines) + '\n')
    return root


def write_fake_cifar10(root, per_batch=4, seed=0):
    """Five training batches and a test batch of ``per_batch`` images; returns the arrays
    written, as (N, 3072) rows, keyed by file name."""
    rng = np.random.default_rng(seed)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in [f'data_batch_{i}' for i in range(1, 6)] + ['test_batch']:
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, per_batch)]
        with open(root / name, 'wb') as batch:
            pickle.dump({b'data': data, b'labels': labels, b'batch_label': name.encode()}, batch)
        written[name] = (data, labels)
    return written


def write_fake_cifar10c(root, per_severity=2, corruptions=CIFAR10C_CORRUPTIONS, seed=0):
    """``<corruption>.npy`` of shape (5 * per_severity, 32, 32, 3) and ``labels.npy``; returns
    the labels and the arrays."""
    rng = np.random.default_rng(seed)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    labels = np.tile(rng.integers(0, 10, per_severity), 5).astype(np.int64)
    np.save(root / 'labels.npy', labels)
    arrays = {}
    for corruption in corruptions:
        arrays[corruption] = rng.integers(0, 256, (5 * per_severity, 32, 32, 3), dtype=np.uint8)
        np.save(osp.join(root, f'{corruption}.npy'), arrays[corruption])
    return labels, arrays
