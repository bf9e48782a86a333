"""ASA: adversarial style augmentation with learned control factors (Zhang et al. 2023,
"Adversarial style augmentation for domain generalization", arXiv 2301.12643).

Source: YBZh/AdvStyle @6ffffe0 ``Dassl.pytorch/dassl/modeling/ops/advstyle.py`` (class
``AdvStyle``). Per module, two learnable per-channel *control factors* Sigma_mu, Sigma_sigma of
shape (1, C, 1, 1) scale Gaussian perturbations of the instance statistics:

    mu' = mu + e_mu * GRL(Sigma_mu),  sigma' = sigma + e_sigma * GRL(Sigma_sigma),
    e ~ N(0, 1) per sample and channel,  output = (x - mu) / sigma * sigma' + mu'.

- The control factors pass through a gradient reversal layer with weight ``adv_weight``
  (``ADV_WEIGHT=10.0`` in ``imcls/scripts/run.sh``): with the factors in the same optimizer as the
  weights, one backward and one step make the weights descend the task loss and the factors ascend
  it (see :mod:`.gradient_reversal`).
- Initialisation: the source fills 0.1 and overwrites the factors, on the first forward that takes
  the AdvStyle branch, with DSU's batch estimate ``sqrt(var over the batch of mu (resp. sigma) +
  eps)`` (detached). The flag is a buffer here, so a resumed run does not re-initialise; under
  ``torch.distributed`` the estimate is averaged over the ranks so that they stay identical.
- Branches, per module and batch, in training: identity, AdvStyle, DSU with probabilities
  ``branch_probabilities`` (the source's classification copy: 1/3 each, from ``random.random()``
  thresholds 1/3 and 2/3; its re-ID copy ``reid/models/advstyle.py`` uses identity 1/2, AdvStyle 1/2).
  The choice is drawn from the decision stream, identical on every rank (the initialisation
  all-reduce runs on all of them or none); the noise from the per-rank noise stream.
- Statistics: unbiased variance, eps = 1e-6; not detached; sigma' is not clamped (as in the source).
- Evaluation: identity.

``last_branch`` tells which branch the latest training forward took (``None`` when inactive); the
SLIM routing (:mod:`.slim_control`) reads it.
"""
import math
from typing import Optional, Sequence

import torch
import torch.distributed as dist
from torch import Tensor, nn

from ..style_statistics import batch_spread, restyle, style_statistics
from .base import StyleModule
from .dsu import dsu_restyle
from .gradient_reversal import reverse_gradient
from .registry import STYLE_MODULES

BRANCHES = ('identity', 'advstyle', 'dsu')
ADVSTYLE = 'advstyle'
# ASA's classification copy: thresholds 1/3 and 2/3 on random.random() (advstyle.py).
DEFAULT_BRANCH_PROBABILITIES = (1 / 3, 1 / 3, 1 / 3)
# ADV_WEIGHT in imcls/scripts/run.sh and reid/run.sh.
DEFAULT_ADV_WEIGHT = 10.0
# advstyle.py: adv_mean_std.data.fill_(0.1), replaced at the first AdvStyle forward.
PLACEHOLDER_FACTOR = 0.1


@STYLE_MODULES.register('ASA')
class ASA(StyleModule):
    """Args:
        channels: channels of the input feature map.
        adv_weight: gradient reversal weight of the control factors (run.sh: 10.0).
        branch_probabilities: probabilities of (identity, AdvStyle, DSU) per module and batch; must
            be >= 0 and sum to 1 (source: 1/3 each).
        eps: added to variances (source: 1e-6).
        seed: see :class:`.base.StyleModule`.
    """

    def __init__(self, channels: int, adv_weight: float = DEFAULT_ADV_WEIGHT,
                 branch_probabilities: Sequence[float] = DEFAULT_BRANCH_PROBABILITIES,
                 eps: float = 1e-6, seed: Optional[int] = None):
        super().__init__(channels, seed)
        probabilities = tuple(float(p) for p in branch_probabilities)
        if len(probabilities) != len(BRANCHES) or any(p < 0 for p in probabilities) or \
                not math.isclose(sum(probabilities), 1.0, abs_tol=1e-6):
            raise ValueError(f'branch_probabilities must be {len(BRANCHES)} non-negative numbers for '
                             f'{BRANCHES} that sum to 1, got {tuple(branch_probabilities)}')
        if adv_weight < 0:
            raise ValueError(f'adv_weight must be >= 0, got {adv_weight}')
        self.adv_weight = float(adv_weight)
        self.branch_probabilities = probabilities
        self.eps = eps
        self.mean_factor = nn.Parameter(torch.full((1, channels, 1, 1), PLACEHOLDER_FACTOR))
        self.std_factor = nn.Parameter(torch.full((1, channels, 1, 1), PLACEHOLDER_FACTOR))
        self.register_buffer('initialized', torch.tensor(False))
        # Host-side "initialized is known to be True": reading the buffer is a device-to-host
        # sync on a GPU, so it is read until it is True once (and again after a state-dict load).
        self._known_initialized = False
        self.last_branch: Optional[str] = None

    @property
    def control_factors(self):
        return (self.mean_factor, self.std_factor)

    def forward(self, x: Tensor) -> Tensor:
        self.last_branch = None
        return super().forward(x)

    def choose_branch(self) -> str:
        draw, threshold = self.uniform(), 0.0
        for branch, probability in zip(BRANCHES, self.branch_probabilities):
            threshold += probability
            if draw < threshold:
                return branch
        return next(b for b, p in zip(reversed(BRANCHES), reversed(self.branch_probabilities)) if p > 0)

    def augment(self, x: Tensor) -> Tensor:
        branch = self.last_branch = self.choose_branch()
        if branch == 'identity':
            return x
        if branch == 'dsu':
            return dsu_restyle(self, x)
        mean, std = style_statistics(x, self.eps, unbiased=True)
        if not self._known_initialized:
            if not bool(self.initialized):
                self.initialize(mean, std)
            self._known_initialized = True
        new_mean = mean + self.standard_normal(mean) * reverse_gradient(self.mean_factor, self.adv_weight)
        new_std = std + self.standard_normal(std) * reverse_gradient(self.std_factor, self.adv_weight)
        return restyle(x, new_mean, new_std, own=(mean, std))

    def _load_from_state_dict(self, *args, **kwargs):
        self._known_initialized = False
        super()._load_from_state_dict(*args, **kwargs)

    @torch.no_grad()
    def initialize(self, mean: Tensor, std: Tensor) -> None:
        """DSU's batch estimate becomes the control factors (averaged over distributed ranks)."""
        estimate = torch.cat([batch_spread(mean, self.eps), batch_spread(std, self.eps)]).detach()
        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            dist.all_reduce(estimate)
            estimate /= dist.get_world_size()
        self.mean_factor.copy_(estimate[:1])
        self.std_factor.copy_(estimate[1:])
        self.initialized.fill_(True)
