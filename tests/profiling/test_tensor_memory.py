import torch
from torch import nn

from slim_mmseg.profiling import TensorMemoryTracker


def test_counts_allocations_frees_and_peak_exactly():
    with TensorMemoryTracker() as memory:
        a = torch.empty(1000)                     # 4000 bytes
        b = a + 1                                 # 8000 live
        view = b.view(10, 100)                    # same storage: nothing new
        assert (memory.current_bytes, memory.peak_bytes) == (8000, 8000)
        del a
        assert memory.current_bytes == 4000
        del b
        assert memory.current_bytes == 4000       # the view keeps b's storage alive
        del view
        c = torch.empty(500, dtype=torch.float64)
    assert (memory.current_bytes, memory.peak_bytes) == (4000, 8000)
    del c
    assert memory.current_bytes == 0


def test_storages_from_before_the_block_are_not_counted():
    weight = torch.zeros(100, 100)
    with TensorMemoryTracker() as memory:
        weight.add_(1)
        torch.add(weight, 1, out=weight)
        weight.t()
    assert memory.peak_bytes == 0


def test_backward_allocations_are_counted():
    weight = torch.randn(64, 32, requires_grad=True)
    with TensorMemoryTracker() as memory:
        (torch.randn(8, 64) @ weight).relu().sum().backward()
    # the gradient was allocated by autograd inside the block and outlives it
    assert memory.current_bytes >= weight.grad.nbytes
    assert memory.peak_bytes >= weight.grad.nbytes + 8 * 64 * 4


def test_peak_is_identical_across_repeated_runs():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                          nn.Conv2d(16, 4, 1))
    x = torch.randn(2, 3, 32, 32)

    def peak():
        model.zero_grad(set_to_none=True)
        with TensorMemoryTracker() as memory:
            model(x).square().mean().backward()
        return memory.peak_bytes

    peaks = [peak() for _ in range(3)]
    assert peaks[0] > 2 * 16 * 32 * 32 * 4 and len(set(peaks)) == 1
