"""tools/robust_test.py end to end on a tiny classifier (the Fashion-MNIST adversarial-training
config on tiny IDX fakes), and its errors."""
import gzip
import importlib.util
import json
import struct

import numpy as np
import pytest
import torch
from mmengine.config import Config
from tiny_experiment import REPO_ROOT

DEMO_CONFIG = REPO_ROOT / 'configs' / 'fashion_mnist_at' / 'smallcnn_pgd-at.py'


def write_idx(path, array):
    header = struct.pack('>BBBB', 0, 0, 0x08, array.ndim) + struct.pack(f'>{array.ndim}i', *array.shape)
    with gzip.open(f'{path}.gz', 'wb') as idx_file:
        idx_file.write(header + array.astype(np.uint8).tobytes())


def write_fake_fashion_mnist(root, count=32, seed=0):
    """Random images, labels cycling 0..9, the same in both splits (so a model can fit them)."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    images = rng.integers(0, 256, (count, 28, 28))
    for prefix in ('train', 't10k'):
        write_idx(root / f'{prefix}-images-idx3-ubyte', images)
        write_idx(root / f'{prefix}-labels-idx1-ubyte', np.arange(count) % 10)
    return torch.tensor(images, dtype=torch.float32).unsqueeze(1) / 255, torch.arange(count) % 10


def load_tool():
    spec = importlib.util.spec_from_file_location('robust_test', REPO_ROOT / 'tools' / 'robust_test.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tiny_classifier(tmp_path):
    """(config path, checkpoint path) of the demo config on fakes; the classifier is fitted to the
    fakes (memorised, so undefended: attacks break it quickly)."""
    data_root = tmp_path / 'fashion'
    images, labels = write_fake_fashion_mnist(data_root)
    config = tmp_path / 'robust_config.py'
    config.write_text(f"_base_ = ['{DEMO_CONFIG}']\n"
                      f"train_dataloader = dict(num_workers=0, persistent_workers=False, "
                      f"dataset=dict(data_root='{data_root}'))\n"
                      f"test_dataloader = dict(num_workers=0, persistent_workers=False, "
                      f"dataset=dict(data_root='{data_root}'))\n")
    import slim_mmseg.openmmlab  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(config)).model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(40):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(images), labels).backward()
        optimizer.step()
    checkpoint = tmp_path / 'epoch_1.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=1)), checkpoint)
    return config, checkpoint


def test_every_attack_end_to_end_writes_table_and_json(tiny_classifier, tool, tmp_path):
    config, checkpoint = tiny_classifier
    work_dir = tmp_path / 'work'
    output = tool('robust_test.py', config, checkpoint, '--attacks', 'clean', 'pgd20', 'autoattack', 'lafeat',
                  'ssa', 'ssah', '--eps', '64/255', '--num-samples', '12', '--batch-size', '6', '--work-dir', work_dir,
                  '--lafeat-layers', 'backbone.layer1', 'backbone.layer2', '--lafeat-train-samples', '16',
                  '--lafeat-epochs', '2', '--lafeat-steps', '2', '--ssa-steps', '3', '--device', 'cpu')
    table = output[output.index('attack        accuracy'):].splitlines()
    assert [line.split()[0] for line in table[1:8]] == ['clean', 'pgd20', 'autoattack', 'lafeat', 'ssa', 'ssah',
                                                        'worst_case']
    record = json.loads(next(work_dir.glob('robust_test_*.json')).read_text())
    summary, per_sample = record['summary'], record['per_sample_correct']
    assert record['eps'] == pytest.approx(64 / 255) and record['attacks'][0] == 'clean' and record['device'] == 'cpu'
    # A budget that breaks the memorised model at once keeps AutoAttack's later attacks short.
    assert summary['clean']['accuracy'] == 100 and summary['pgd20']['accuracy'] == 0
    assert all(row['samples'] == 12 for row in summary.values())
    worst = np.all([per_sample[name] for name in record['attacks']], axis=0)
    assert per_sample['worst_case'] == worst.tolist()
    assert summary['worst_case']['accuracy'] == pytest.approx(100 * worst.mean())
    for name in ('pgd20', 'autoattack', 'lafeat'):
        assert summary[name]['mean_linf'] <= 64 / 255 + 1e-6
    assert record['check_warnings'] == len(record['checks'])
    assert len(list((work_dir / 'lafeat_heads').glob('epoch_1-*.pth'))) == 1
    assert 'LAFEAT heads' in output and 'robust evaluation' in output       # progress bars


def test_checkpoint_of_another_model_names_the_mismatched_keys(tiny_classifier, tmp_path):
    config, checkpoint = tiny_classifier
    state = torch.load(checkpoint, weights_only=True)
    state['state_dict']['model.head.weight'] = torch.zeros(10, 32)
    state['state_dict']['model.extra.weight'] = torch.zeros(1)
    del state['state_dict']['model.head.bias']
    torch.save(state, tmp_path / 'other.pth')
    with pytest.raises(ValueError, match=r'missing keys: model.head.bias; unexpected keys: model.extra.weight; '
                                         r'shape mismatches: model.head.weight'):
        load_tool().main([str(config), str(tmp_path / 'other.pth'), '--attacks', 'clean',
                          '--work-dir', str(tmp_path / 'w')])


def test_checkpoint_with_code_is_refused(tiny_classifier, tmp_path):
    config, _ = tiny_classifier

    class Payload:
        def __reduce__(self):
            return (print, ('pwned',))

    torch.save(dict(state_dict={}, meta=Payload()), tmp_path / 'evil.pth')
    with pytest.raises(Exception, match='Weights only load failed'):
        load_tool().main([str(config), str(tmp_path / 'evil.pth'), '--attacks', 'clean', '--work-dir', str(tmp_path / 'w')])


@pytest.mark.parametrize('args, error, message', [
    (['--eps', '8'], ValueError, 'not 8'),
    (['--attacks', 'clean', 'fgsm'], KeyError, 'registered attacks: autoattack, clean, lafeat, pgd20, ssa, ssah'),
    (['--attacks', 'lafeat', '--num-samples', '2'], ValueError, 'give --lafeat-layers'),
])
def test_bad_input(tiny_classifier, tmp_path, args, error, message):
    config, checkpoint = tiny_classifier
    with pytest.raises(error, match=message):
        load_tool().main([str(config), str(checkpoint), '--work-dir', str(tmp_path / 'w'), *args])


def test_segmentor_pgd_through_the_robust_test_loop(tiny_config_file, tmp_path):
    import slim_mmseg.openmmlab  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    config = tiny_config_file()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    torch.save(dict(state_dict=MODELS.build(Config.fromfile(str(config)).model).state_dict()), tmp_path / 'seg.pth')
    tool_module = load_tool()
    record = tool_module.main([str(config), str(tmp_path / 'seg.pth'), '--attacks', 'clean', 'pgd2',
                               '--work-dir', str(tmp_path / 'w'), '--device', 'cpu'])
    assert record['device'] == 'cpu'
    assert {'clean/mIoU', 'clean/aAcc', 'pgd2/mIoU', 'pgd2/aAcc'} <= set(record['metrics'])
    assert json.loads(next((tmp_path / 'w').glob('robust_test_*.json')).read_text())['metrics'] == record['metrics']
    with pytest.raises(ValueError, match=r"\['autoattack'\] are classification only"):
        tool_module.main([str(config), str(tmp_path / 'seg.pth'), '--attacks', 'clean', 'autoattack',
                          '--work-dir', str(tmp_path / 'w')])


@pytest.mark.cuda
def test_classifier_attacks_run_on_cuda(tiny_classifier, tmp_path):
    config, checkpoint = tiny_classifier
    torch.cuda.reset_peak_memory_stats()
    record = load_tool().main([str(config), str(checkpoint), '--attacks', 'clean', 'pgd20', 'autoattack', 'lafeat',
                               'ssa', '--eps', '64/255', '--num-samples', '12', '--batch-size', '6',
                               '--lafeat-layers', 'backbone.layer1', 'backbone.layer2', '--lafeat-train-samples', '16',
                               '--lafeat-epochs', '2', '--lafeat-steps', '2', '--ssa-steps', '3', '--device', 'cuda',
                               '--work-dir', str(tmp_path / 'w')])
    assert record['device'] == 'cuda' and torch.cuda.max_memory_allocated() > 0
    assert record['summary']['clean']['accuracy'] == 100 and record['summary']['pgd20']['accuracy'] == 0


@pytest.mark.cuda
def test_segmentor_pgd_runs_on_cuda(tiny_config_file, tmp_path):
    import slim_mmseg.openmmlab  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    config = tiny_config_file()
    init_default_scope('mmseg')
    torch.save(dict(state_dict=MODELS.build(Config.fromfile(str(config)).model).state_dict()), tmp_path / 'seg.pth')
    torch.cuda.reset_peak_memory_stats()
    record = load_tool().main([str(config), str(tmp_path / 'seg.pth'), '--attacks', 'clean', 'pgd2',
                               '--work-dir', str(tmp_path / 'w'), '--device', 'cuda'])
    assert record['device'] == 'cuda' and torch.cuda.max_memory_allocated() > 0 and 'pgd2/mIoU' in record['metrics']
