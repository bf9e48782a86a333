"""Named random generators whose states travel in a module's state dict.

Every stochastic part of an adversary (random starts, SLIM draws, ...) owns a ``torch.Generator``:
its draws are then reproducible from a seed, identical on every distributed rank, and a resumed run
continues the same streams. :class:`RandomStreams` puts each generator's state under its own name
(``<prefix>.<name>._extra_state``, a plain uint8 tensor, which mmengine's parameter broadcast and
checkpointing handle), so that adding a stream never shifts another one's bytes.
"""
from typing import Dict

import torch
from torch import Tensor, nn


class _GeneratorState(nn.Module):
    def __init__(self, generator: torch.Generator):
        super().__init__()
        self.generator = generator

    def get_extra_state(self) -> Tensor:
        return self.generator.get_state()

    def set_extra_state(self, state: Tensor) -> None:
        expected = self.generator.get_state().numel()
        if state.numel() != expected:
            raise ValueError(f'a random-generator state has {state.numel()} bytes, expected {expected}: '
                             'was the checkpoint written by another torch build or another generator type?')
        self.generator.set_state(state.to(torch.uint8).cpu().clone())


class RandomStreams(nn.Module):
    """``RandomStreams(random_start=g1, slim=g2)``; ``streams['slim']`` is ``g2``."""

    def __init__(self, **generators: torch.Generator):
        super().__init__()
        for name, generator in generators.items():
            self.add_module(name, _GeneratorState(generator))

    def __getitem__(self, name: str) -> torch.Generator:
        return self.get_submodule(name).generator

    def names(self) -> Dict[str, torch.Generator]:
        return {name: module.generator for name, module in self.named_children()}


def seeded_generator(seed: int) -> torch.Generator:
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator
