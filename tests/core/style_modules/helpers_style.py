"""Shared helpers of the style-module tests: a feature batch and copies of a module's streams."""
import torch


def feature_batch(n=4, c=3, h=5, w=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    scale = torch.rand(n, c, 1, 1, generator=g) * 2 + 0.5
    shift = torch.randn(n, c, 1, 1, generator=g)
    return torch.randn(n, c, h, w, generator=g) * scale + shift


def noise_copy(module):
    """A copy of the module's noise stream (its gate and branch draws come from the decision stream)."""
    g = torch.Generator()
    g.set_state(module.noise.get_state())
    return g


def stats(x, eps):
    return x.mean(dim=(2, 3), keepdim=True), (x.var(dim=(2, 3), keepdim=True) + eps).sqrt()
