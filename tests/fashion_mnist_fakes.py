"""Tiny Fashion-MNIST IDX files (the real format: big-endian header, unsigned bytes), plain or gzipped."""
import gzip
import struct

import numpy as np


def write_idx(path, array, gz=True):
    header = struct.pack('>BBBB', 0, 0, 0x08, array.ndim) + struct.pack(f'>{array.ndim}i', *array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    if gz:
        with gzip.open(str(path) + '.gz', 'wb') as idx_file:
            idx_file.write(payload)
    else:
        path.write_bytes(payload)


def write_split(folder, prefix, count, gz=True, seed=0):
    """``<prefix>-images-idx3-ubyte`` (count x 28 x 28) and labels cycling 0..9; returns both arrays."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
    labels = np.arange(count, dtype=np.uint8) % 10
    write_idx(folder / f'{prefix}-images-idx3-ubyte', images, gz)
    write_idx(folder / f'{prefix}-labels-idx1-ubyte', labels, gz)
    return images, labels
