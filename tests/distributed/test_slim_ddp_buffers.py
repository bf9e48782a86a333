"""SLIMDistributedDataParallel in 2 CPU processes (gloo): per-rank buffers survive a forward
through the wrapper (no broadcast from rank 0), unless a config asks for DDP's broadcast."""
import torch
from gloo_processes import run_ranks
from torch import nn


class CountingModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 1)
        self.register_buffer('nonfinite_count', torch.zeros((), dtype=torch.int64))

    def forward(self, x):
        return self.linear(x)


def worker(rank, out_dir):
    from slim_mmseg.models.slim_ddp import SLIMDistributedDataParallel
    results = {}
    for broadcast in (None, True):
        model = CountingModel()
        kwargs = {} if broadcast is None else dict(broadcast_buffers=broadcast)
        wrapped = SLIMDistributedDataParallel(module=model, device_ids=None, **kwargs)
        model.nonfinite_count.fill_(10 + rank)  # a count of this rank's own events
        wrapped(torch.ones(2, 3)).sum().backward()
        results[broadcast] = (wrapped.broadcast_buffers, int(model.nonfinite_count))
    return results


def test_per_rank_buffers_are_not_overwritten_by_rank_0(tmp_path):
    rank0, rank1 = run_ranks(worker, 2, tmp_path)
    assert rank0[None] == (False, 10) and rank1[None] == (False, 11)
    assert rank1[True] == (True, 10)  # DDP's default would have overwritten rank 1's count
