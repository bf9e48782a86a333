"""Fixtures shared across test packages."""
from types import SimpleNamespace

import pytest
import torch
from tiny_experiment import run_tool, write_tiny_experiment
import tiny_segmenter


@pytest.fixture
def tiny_config_file(tmp_path):
    """Factory: writes the tiny dataset and experiment config (``tests/tiny_experiment.py``)
    to ``tmp_path`` and returns the config path."""
    return lambda **overrides: write_tiny_experiment(tmp_path, **overrides)


@pytest.fixture
def tool(tmp_path):
    """``tool(script, *args)`` runs ``tools/<script>`` from ``tmp_path/elsewhere``."""
    return lambda script, *args, **kwargs: run_tool(
        script, *args, cwd=tmp_path / 'elsewhere', **kwargs)


@pytest.fixture(scope='session')
def tiny_training_run(tmp_path_factory):
    """One ``tools/train.py --amp`` run of the tiny experiment for 2 iterations (checkpoints at
    1 and 2, ``StateDumpHook`` on), shared read-only by the tool and resume tests: copy
    ``work_dir`` before writing to it."""
    root = tmp_path_factory.mktemp('tiny_training_run')
    config = write_tiny_experiment(root, max_iters=2, checkpoint_interval=1, dump_state=True)
    work_dir = root / 'work'
    output = run_tool('train.py', config, '--work-dir', work_dir, '--amp', cwd=root / 'elsewhere')
    return SimpleNamespace(config=config, work_dir=work_dir, output=output, root=root)


@pytest.fixture
def tiny_model():
    """A small BN segmenter (``tests/tiny_segmenter.py``) in training mode."""
    return tiny_segmenter.tiny_model()


@pytest.fixture
def tiny_batch():
    """``(images, labels)`` for ``tiny_model``."""
    return tiny_segmenter.tiny_batch()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``cuda`` are skipped where no CUDA device is visible."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason='needs a CUDA device (tools/gpu_check.sh runs the cuda tests on a GPU)')
    for item in items:
        if item.get_closest_marker('cuda') is not None:
            item.add_marker(skip)
