"""Device-to-host reads in one training step of PGD-10-AT, ASA, ASA + SLIM and AdvStyle-Zhong.

On a GPU every read of a device tensor's value from Python (``Tensor.item``, ``bool``, ``float``,
``int``, ``tolist``, ``.cpu()``, ``.numpy()``) waits for the queued kernels, and so do the operators
whose output size depends on values (``nonzero``, ``masked_select``, indexing or ``index_put_`` with
a boolean mask). The test counts both kinds in one training step on the CPU: the Python methods by
wrapping them on ``torch.Tensor`` for the duration of the step, the operators (and value reads made
inside C++) with a ``TorchDispatchMode``. On the CPU every tensor is a CPU tensor, so a read of a
tensor that is a CPU tensor on a GPU too is excluded by name (:data:`HOST_TENSOR_SITES`, each with
the reason). The step is not a logging step (``iter`` 1 in the message hub); mmengine's reads of the
returned log variables happen in its hooks, outside ``train_step``.

Budgets (reads per step outside logging intervals):

- PGD-10-AT: 2. A step needs no value on the host: the ascent keeps a sample's last finite state
  without reading whether it was finite and returns the objective and the non-finite count as
  tensors. Two reads leave room for the [0, 1] input check, whose failure must raise (one read when
  ``min`` and ``max`` are tested together).
- ASA and ASA + SLIM: 2. The SLIM draw and ASA's branch choices come from CPU generators (no
  device read); what remains is mmseg's decode-head ``accuracy`` in the loss pass, two boolean-mask
  indexings of the labels (a config with an auxiliary head adds two more).
- AdvStyle-Zhong: 4. The same ascent, and mmseg's ``accuracy`` in the two outer loss passes (clean
  and adversarial); the inner loop's pass needs only the loss.

A method still over its budget is marked ``xfail(strict=False)`` with the reads that remain; the
printed table (``pytest -s``) lists every counted read by place.
"""
import collections
import threading
import traceback
from contextlib import contextmanager
from typing import Counter, Optional, Tuple

import pytest
import torch
from mmengine.config import ConfigDict
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.structures import BaseDataElement
from mmseg.registry import MODELS
from mmseg.utils import register_all_modules
from torch.utils._python_dispatch import TorchDispatchMode

import slim_mmseg.openmmlab  # noqa: F401  (registration)
from seg_batch import random_seg_batch
from tiny_classifier import classifier_cfg
from tiny_deeplab import deeplab_cfg

register_all_modules(init_default_scope=True)

READ_METHODS = ('item', '__bool__', '__float__', '__int__', 'tolist', 'cpu', 'numpy')
MASKED_OPERATORS = {torch.ops.aten.index.Tensor, torch.ops.aten.index_put_.default, torch.ops.aten.index_put.default}
SYNCING_OPERATORS = {torch.ops.aten.nonzero.default, torch.ops.aten.masked_select.default}

# (file, function or None for the whole file) -> why its reads are of tensors that stay on the CPU on a GPU too.
HOST_TENSOR_SITES = {
    ('slim_mmseg/core/slim_sampler.py', None): 'SLIM draws are CPU tensors of a CPU generator (SLIMDraw)',
    ('slim_mmseg/core/style_modules/base.py', 'uniform'): 'a style module\'s branch draw comes from a CPU generator',
    ('mmengine/model/utils.py', 'stack_batch'): 'mmengine pads by the batch\'s shapes, held in a CPU tensor',
}

Site = Tuple[str, str, int]


def caller() -> Site:
    """(file relative to the package root, function, line) of the first frame outside torch and this file."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        path = frame.filename.replace('\\', '/')
        if '/torch/' in path or path.endswith('test_host_syncs.py'):
            continue
        for root in ('/site-packages/', '/slim_mmseg/'):
            if root in path:
                path = ('slim_mmseg/' if root == '/slim_mmseg/' else '') + path.split(root, 1)[1]
                break
        return path, frame.name, frame.lineno
    return '?', '?', 0


class HostReads(TorchDispatchMode):
    """Counts reads by ``(kind, site)``; a Python-level read is counted once (not again as the
    ``_local_scalar_dense`` it dispatches to)."""

    def __init__(self):
        super().__init__()
        self.counts: Counter = collections.Counter()
        self.inside_method = threading.local()

    def record(self, kind: str) -> None:
        self.counts[(kind, caller())] += 1

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if not getattr(self.inside_method, 'active', False):
            if func is torch.ops.aten._local_scalar_dense.default:
                self.record('value read in C++')
            elif func in SYNCING_OPERATORS:
                self.record(str(func.overloadpacket.__name__))
            elif func in MASKED_OPERATORS and any(
                    isinstance(index, torch.Tensor) and index.dtype == torch.bool for index in args[1] or ()):
                self.record(f'{func.overloadpacket.__name__} with a boolean mask')
        return func(*args, **(kwargs or {}))

    def wrapped(self, name: str, method):
        def read(tensor, *args, **kwargs):
            if getattr(self.inside_method, 'active', False):
                return method(tensor, *args, **kwargs)
            self.record(name)
            self.inside_method.active = True
            try:
                return method(tensor, *args, **kwargs)
            finally:
                self.inside_method.active = False
        return read

    @property
    def device_reads(self) -> Counter:
        return collections.Counter({key: n for key, n in self.counts.items() if host_tensor_reason(key[1]) is None})


def host_tensor_reason(site: Site) -> Optional[str]:
    path, function, _ = site
    return HOST_TENSOR_SITES.get((path, function)) or HOST_TENSOR_SITES.get((path, None))


@contextmanager
def counting_host_reads():
    reads = HostReads()
    originals = {name: getattr(torch.Tensor, name) for name in READ_METHODS}
    for name, method in originals.items():
        setattr(torch.Tensor, name, reads.wrapped(name, method))
    try:
        with reads:
            yield reads
    finally:
        for name, method in originals.items():
            setattr(torch.Tensor, name, method)


ASA = dict(type='ASA', positions=['backbone.layer1', 'backbone.layer2'], seed=0)
METHODS = {
    'PGD-10-AT': dict(type='AdversarialTraining', model=classifier_cfg(), objective=dict(type='PGDAT'),
                      attack=dict(eps=8 / 255, step_size=2 / 255, steps=10), seed=0),
    'ASA': dict(type='StyleAugmented', model=deeplab_cfg(), augmentation=ASA),
    'ASA+SLIM': dict(type='StyleAugmented', model=deeplab_cfg(), augmentation=ASA,
                     slim=dict(layers=['backbone.layer2', 'backbone.layer3', 'backbone.layer4'], seed=0)),
    'AdvStyle-Zhong': dict(type='SLIMAdvStyle', model=deeplab_cfg(),
                           adversary=dict(positions=['input'], step_size=0.1)),
}
BUDGETS = {'PGD-10-AT': 2, 'ASA': 2, 'ASA+SLIM': 2, 'AdvStyle-Zhong': 4}


def classifier_batch(count=4):
    generator = torch.Generator().manual_seed(3)
    return dict(inputs=[torch.randint(0, 256, (3, 8, 8), generator=generator, dtype=torch.uint8)
                        for _ in range(count)],
                data_samples=[BaseDataElement(gt_label=torch.tensor(i % 4)) for i in range(count)])


def step_reads(name: str, warmup_steps: int = 2) -> HostReads:
    """Reads in the training step after ``warmup_steps`` others (ASA estimates its factors at first)."""
    torch.manual_seed(0)
    model = MODELS.build(ConfigDict(METHODS[name])).train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    batch = classifier_batch() if name == 'PGD-10-AT' else random_seg_batch()
    hub = MessageHub.get_current_instance()
    for step in range(warmup_steps):
        hub.update_info('iter', step)
        model.train_step(batch, optim)
    hub.update_info('iter', 1)
    with counting_host_reads() as reads:
        model.train_step(batch, optim)
    return reads


def describe(reads: HostReads) -> str:
    lines = []
    for (kind, (path, function, line)), count in sorted(reads.counts.items(), key=lambda item: item[0][1]):
        why = host_tensor_reason((path, function, line))
        note = f'  [not counted: {why}]' if why else ''
        lines.append(f'  {count:>3} x {kind:<28} {path}:{line} ({function}){note}')
    return '\n'.join(lines)


def test_the_counter_sees_every_kind_of_read_once():
    values = torch.arange(6.0)
    mask = values > 2
    with counting_host_reads() as reads:
        float(values.sum())
        bool(mask.any())
        values.tolist()
        values[mask]
        values[mask] = 0.0
        torch.nonzero(values)
        values.cpu()
        values + 1                      # no read
    kinds = collections.Counter(kind for kind, _ in reads.counts.elements())
    assert kinds == {'__float__': 1, '__bool__': 1, 'tolist': 1, 'index with a boolean mask': 1,
                     'index_put_ with a boolean mask': 1, 'nonzero': 1, 'cpu': 1}
    assert float(values.sum()) == 3.0    # the methods are restored


OVER_BUDGET = {
    'AdvStyle-Zhong': '6 reads: mmseg\'s decode-head accuracy in all three loss passes, the inner loop\'s '
                      'included (2 boolean-mask indexings each)',
}


@pytest.mark.parametrize('name', [
    pytest.param(name, marks=pytest.mark.xfail(reason=OVER_BUDGET[name], strict=False)) if name in OVER_BUDGET
    else name for name in METHODS])
def test_device_reads_per_training_step_within_budget(name):
    reads = step_reads(name)
    count = sum(reads.device_reads.values())
    print(f'\n{name}: {count} device-to-host reads per step (budget {BUDGETS[name]})\n{describe(reads)}')
    assert count <= BUDGETS[name], f'{name}: {count} reads > {BUDGETS[name]}:\n{describe(reads)}'


@pytest.mark.parametrize('dataset_file', ['cifar10_at.py', 'cifar10c.py', 'pacs.py', 'domainbed_image_folders.py',
                                          'gta5_to_cityscapes_bdd100k_mapillary.py',
                                          'gta5_1280x720_to_cityscapes_1024x512.py'])
def test_paper_scale_loaders_pin_their_batches(dataset_file):
    """Pinned host memory lets the batch copy to the GPU overlap with compute (paper-scale datasets)."""
    from mmengine.config import Config
    from tiny_experiment import REPO_ROOT
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / '_base_' / 'datasets' / dataset_file))
    loaders = [cfg[key] for key in ('train_dataloader', 'val_dataloader', 'test_dataloader') if cfg.get(key)]
    assert loaders and all(loader.get('pin_memory') is True for loader in loaders)
