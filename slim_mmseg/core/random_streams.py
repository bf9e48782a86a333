"""Named random generators whose states travel in a module's state dict.

Every stochastic part of an adversary or style module (random starts, SLIM draws, branch choices,
noise) owns a CPU ``torch.Generator``: its draws are reproducible from a seed, do not depend on the
device, and a resumed run continues the same streams. :class:`RandomStreams` puts each
generator's state under its own name (``<prefix>.<name>._extra_state``, a plain uint8 tensor,
which mmengine's checkpointing handles and DDP never broadcasts), so that adding a stream never
shifts another one's bytes.

Distributed runs need two kinds of stream (:meth:`RandomStreams.derived`):

- *decision* streams decide which collectives run (SLIM's layer draw, ASA's branch choice, whether
  a style module acts on the batch): they must draw the same on every rank, or one rank enters an
  all-reduce (ASA's initialisation, a SyncBN layer) that another skips and both wait forever;
- *noise* streams draw per-sample noise (random starts, style noise, permutations): they must
  differ across ranks, or N ranks x b samples see only b distinct draws.

Both are seeded from a stable hash of (run seed, stream name), noise streams also of the rank, so
no two streams share a seed and the run seed alone fixes every stream of every rank. The run seed
must be identical across ranks whatever mmengine's ``randomness.diff_rank_seed`` says:
:func:`shared_seed` gives one.

Resume: mmengine writes rank 0's state dict only, and every rank loads it. Decision streams are
identical on every rank, so every rank continues them exactly. A noise stream continues exactly on
rank 0 (and in a single-process run); on rank r > 0 it continues from a generator seeded from the
hash of (loaded state, r): reproducible from the checkpoint and distinct per rank, but not the
draws rank r would have made without the interruption (its own state was never saved).
"""
import hashlib
from typing import Dict, Optional, Sequence

import torch
import torch.distributed as dist
from torch import Tensor, nn

SEED_MASK = 2 ** 63 - 1  # torch.Generator.manual_seed takes any non-negative 64-bit int; stay signed-safe


def stable_seed(*parts) -> int:
    """A seed determined by ``parts`` alone (the same in every process and Python session, unlike
    ``hash``)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, 'little') & SEED_MASK


def distributed_rank() -> int:
    """This process's rank in the default process group, 0 when not distributed (what mmengine's
    ``get_dist_info()`` returns)."""
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def shared_seed(seed: Optional[int] = None) -> int:
    """``seed``, or when ``None`` the run's seed as rank 0 has it (``torch.initial_seed()``
    broadcast from rank 0): identical on every rank even with ``randomness.diff_rank_seed=True``
    (mmengine seeds rank r with ``seed + r``, so rank 0 holds the configured seed). Collective when
    distributed and ``seed`` is ``None``: every rank must call it, in the same order."""
    if seed is not None:
        return int(seed)
    seed = torch.initial_seed()
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        box = [seed]
        dist.broadcast_object_list(box, src=0)
        seed = box[0]
    return int(seed)


class _GeneratorState(nn.Module):
    """One generator's state as this module's extra state; ``rank`` is set for noise streams."""

    def __init__(self, generator: torch.Generator, rank: Optional[int] = None):
        super().__init__()
        self.generator = generator
        self.rank = rank

    def get_extra_state(self) -> Tensor:
        return self.generator.get_state()

    def set_extra_state(self, state: Tensor) -> None:
        expected = self.generator.get_state().numel()
        if state.numel() != expected:
            raise ValueError(f'a random-generator state has {state.numel()} bytes, expected {expected}: '
                             'was the checkpoint written by another torch build or another generator type?')
        state = state.to(torch.uint8).cpu().clone()
        if self.rank:
            # The checkpoint holds rank 0's noise state (see the module docstring).
            self.generator.manual_seed(stable_seed(state.numpy().tobytes(), self.rank))
        else:
            self.generator.set_state(state)


class RandomStreams(nn.Module):
    """``RandomStreams(random_start=g1, slim=g2)``; ``streams['slim']`` is ``g2``.

    :meth:`derived` builds the streams of a distributed-ready run from one seed.
    """

    def __init__(self, **generators: torch.Generator):
        super().__init__()
        for name, generator in generators.items():
            self.add_module(name, _GeneratorState(generator))

    @classmethod
    def derived(cls, seed: int, decisions: Sequence[str] = (), noise: Sequence[str] = (),
                rank: Optional[int] = None) -> 'RandomStreams':
        """Streams seeded from ``stable_seed(seed, name)`` (``decisions``: identical on every rank)
        and ``stable_seed(seed, name, rank)`` (``noise``: one stream per rank).

        Args:
            seed: the run seed, identical on every rank (see :func:`shared_seed`).
            decisions: names of the streams that decide which collectives run.
            noise: names of the streams that draw per-sample noise.
            rank: the rank mixed into noise streams; ``None`` takes :func:`distributed_rank`.
        """
        for kind, names in (('decisions', decisions), ('noise', noise)):
            if isinstance(names, str):
                raise TypeError(f'{kind} must be a sequence of stream names, got the string {names!r}')
        both = set(decisions) & set(noise)
        if both:
            raise ValueError(f'streams {sorted(both)} are named both as decisions and as noise')
        rank = distributed_rank() if rank is None else int(rank)
        streams = cls()
        for name in decisions:
            streams.add_module(name, _GeneratorState(seeded_generator(stable_seed(seed, name))))
        for name in noise:
            streams.add_module(name, _GeneratorState(seeded_generator(stable_seed(seed, name, rank)), rank))
        return streams

    def __getitem__(self, name: str) -> torch.Generator:
        return self.get_submodule(name).generator

    def names(self) -> Dict[str, torch.Generator]:
        return {name: module.generator for name, module in self.named_children()}


def seeded_generator(seed: int) -> torch.Generator:
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator
