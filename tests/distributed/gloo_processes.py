"""Run a function in N CPU processes joined by a gloo process group, with a deadline.

``run_ranks(worker, world_size, tmp_path, **kwargs)`` spawns ``worker(rank, out_dir, **kwargs)``
in each process (``worker`` must be importable: a module-level function), waits at most
``deadline`` seconds for all of them, and returns the value each returned (through ``torch.save``).
A collective that one rank enters and another skips fails the test: gloo raises after
``collective_timeout`` seconds, and a process still alive at the deadline is killed and reported.
"""
import datetime
import multiprocessing
import os
import time
from pathlib import Path

import torch


def _entry(worker, rank, world_size, out_dir, collective_timeout, kwargs):
    os.environ['OMP_NUM_THREADS'] = '1'
    torch.set_num_threads(1)
    import torch.distributed as dist
    dist.init_process_group('gloo', init_method=f'file://{out_dir}/store', rank=rank, world_size=world_size,
                            timeout=datetime.timedelta(seconds=collective_timeout))
    try:
        result = worker(rank, Path(out_dir), **kwargs)
        dist.barrier()
    finally:
        dist.destroy_process_group()
    torch.save(result, Path(out_dir) / f'rank{rank}.pt')


def run_ranks(worker, world_size, tmp_path, deadline=90.0, collective_timeout=20.0, **kwargs):
    context = multiprocessing.get_context('spawn')
    processes = [context.Process(target=_entry, args=(worker, rank, world_size, str(tmp_path),
                                                      collective_timeout, kwargs))
                 for rank in range(world_size)]
    for process in processes:
        process.start()
    end = time.monotonic() + deadline
    for process in processes:
        process.join(max(0.0, end - time.monotonic()))
    hung = [rank for rank, process in enumerate(processes) if process.is_alive()]
    for rank in hung:
        processes[rank].kill()
        processes[rank].join()
    assert not hung, f'ranks {hung} still running after {deadline} s: a collective waits for a rank that skipped it'
    failed = {rank: process.exitcode for rank, process in enumerate(processes) if process.exitcode != 0}
    assert not failed, f'ranks exited with codes {failed} (tracebacks above)'
    return [torch.load(tmp_path / f'rank{rank}.pt') for rank in range(world_size)]
