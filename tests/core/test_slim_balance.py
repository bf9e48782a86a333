"""'balanced' mixing against its definition (slim_mmseg/core/slim_balance.py)."""
import pytest
import torch

from slim_mmseg.core import balance
from slim_mmseg.core.slim_balance import per_sample_norm

G = torch.Generator().manual_seed(0)


def test_the_dictionary_part_has_norm_abs_lambda_times_the_task_norm_and_lambdas_sign():
    task = [torch.randn(5, 3, 8, 8, generator=G), torch.randn(5, 7, generator=G)]
    dictionary = [1e3 * torch.randn(5, 3, 8, 8, generator=G), 1e3 * torch.randn(5, 7, generator=G)]
    weights = torch.tensor([-1.0, -0.5, 0.0, 0.25, 1.0])
    mixed, stats = balance(task, dictionary, weights)
    part = [m - t for m, t in zip(mixed, task)]
    assert torch.allclose(per_sample_norm(part), weights.abs() * per_sample_norm(task), rtol=1e-5, atol=1e-7)
    # direction: lambda's sign times the dictionary gradient's direction
    cos = (part[0].flatten(1) * dictionary[0].flatten(1)).sum(1) / (
        part[0].flatten(1).norm(dim=1) * dictionary[0].flatten(1).norm(dim=1)).clamp_min(1e-30)
    assert torch.allclose(cos[[0, 1, 3, 4]], torch.tensor([-1.0, -1.0, 1.0, 1.0]), atol=1e-5)
    assert torch.allclose(stats.ratio, weights.abs(), atol=1e-6)
    assert not stats.zero_task.any() and not stats.zero_dict.any()


def test_zero_gradients_are_defined_and_counted_never_nan():
    task = torch.randn(3, 4, generator=G)
    dictionary = torch.randn(3, 4, generator=G)
    task[1] = 0          # saturated task loss
    dictionary[2] = 0    # x_adv = x: every dictionary loss is stationary
    (mixed,), stats = balance([task], [dictionary], torch.tensor([0.5, 0.5, 0.5]))
    assert torch.isfinite(mixed).all()
    assert torch.equal(mixed[1], torch.zeros(4))   # |lambda| * 0: the sample does not move
    assert torch.equal(mixed[2], task[2])          # no dictionary direction: the task step
    assert stats.zero_task.tolist() == [False, True, False]
    assert stats.zero_dict.tolist() == [False, False, True]
    assert torch.isnan(stats.ratio[1]) and stats.ratio[2] == 0 and stats.ratio[0] == pytest.approx(0.5)


def test_a_shared_weight_broadcasts_over_the_batch():
    task, dictionary = torch.randn(4, 6, generator=G), torch.randn(4, 6, generator=G)
    (shared,), _ = balance([task], [dictionary], torch.tensor([0.4]))
    (expanded,), _ = balance([task], [dictionary], torch.full((4,), 0.4))
    assert torch.equal(shared, expanded)


def test_per_tensor_balance_for_factors_shared_by_the_batch():
    task = [torch.randn(16, generator=G), torch.randn(16, generator=G)]
    dictionary = [torch.randn(16, generator=G) * 100, torch.zeros(16)]
    mixed, stats = balance(task, dictionary, torch.tensor(-0.6), batch_dim=False)
    assert (mixed[0] - task[0]).norm() == pytest.approx(0.6 * task[0].norm().item(), rel=1e-5)
    assert torch.equal(mixed[1], task[1])
    assert stats.zero_dict.tolist() == [False, True]
    assert stats.ratio[0] == pytest.approx(0.6, rel=1e-5)


def test_half_precision_gradients_keep_their_dtype_and_norms_are_float32():
    task = [torch.randn(2, 300, generator=G).half() * 100]
    dictionary = [torch.randn(2, 300, generator=G).half() * 100]
    (mixed,), stats = balance(task, dictionary, torch.tensor([1.0, -1.0]))
    assert mixed.dtype == torch.float16 and torch.isfinite(mixed).all()
    assert stats.ratio.dtype == torch.float32
