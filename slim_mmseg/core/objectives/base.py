"""What every adversarial-training objective provides, so that one training step serves them all.

An objective fixes two things:

- how ``x_adv`` is generated: the loss the attack ascends (:meth:`AdversarialObjective.attack_loss`),
  its random start (``random_start``, a :class:`~slim_mmseg.core.PixelPerturbation` option) and
  whether that loss compares with the clean prediction ``p(x)`` (``attack_uses_clean_logits``) or
  with a layer's clean feature ``f_l(x)`` (``attack_uses_clean_feature``: the layer's module name;
  the caller then records ``f_l(x)`` in its clean pass, captures ``f_l(x_adv)`` in every attack
  forward and passes both to :meth:`AdversarialObjective.attack_loss` as ``clean_feature=`` and
  ``adversarial_feature=``, as the SLIM term's features are recorded);
- what the weights are trained on (:meth:`AdversarialObjective.training_loss`), and whether that
  needs a training-mode forward of the clean batch (``trains_on_clean``).

The attack runs the model in evaluation mode (TRADES' ``trades.py`` and MART's ``mart.py`` call
``model.eval()`` before crafting ``x_adv``; see :func:`slim_mmseg.core.ascend`'s ``norm_mode``).

Attack losses are batch means. With the model in evaluation mode every sample's loss depends on
that sample only, so the sign (L-inf) or per-sample normalised (L2) step is the same for a sum and
for a mean; the mean keeps the task loss on the scale of SLIM's dictionary losses (batch means,
:mod:`slim_mmseg.core.dictionary_losses`), so that ``lambda ~ U(-1, 1)`` means the same thing for
every batch size.
"""
from abc import ABC, abstractmethod
from typing import Dict, Optional

from torch import Tensor


class AdversarialObjective(ABC):
    """Base class; subclasses set the three class attributes and implement both losses."""

    #: ``'uniform'`` U(-eps, eps) (Madry) or ``'normal'`` 0.001 * N(0, 1) (TRADES, MART)
    random_start: str = 'uniform'
    #: whether :meth:`attack_loss` needs the clean logits (computed once, in evaluation mode)
    attack_uses_clean_logits: bool = False
    #: module name (relative to the classifier) whose clean and adversarial outputs
    #: :meth:`attack_loss` compares, or ``None``
    attack_uses_clean_feature: Optional[str] = None
    #: whether :meth:`training_loss` needs the training-mode logits of the clean batch
    trains_on_clean: bool = False

    @abstractmethod
    def attack_loss(self, adv_logits: Tensor, labels: Tensor,
                    clean_logits: Optional[Tensor] = None) -> Tensor:
        """Scalar the attack ascends. ``adv_logits``: (N, K); ``labels``: (N,) long;
        ``clean_logits``: (N, K), detached, when ``attack_uses_clean_logits``."""

    @abstractmethod
    def training_loss(self, adv_logits: Tensor, labels: Tensor,
                      clean_logits: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """Terms of the outer loss (their sum is minimised), keyed ``loss_*``; ``clean_logits``
        (training mode, with their graph) is given when ``trains_on_clean``."""

    def describe(self) -> str:
        return type(self).__name__


class KLRegularisedObjective(AdversarialObjective):
    """TRADES and MART: the attack starts at ``x + 0.001 * N(0, 1)``; the training loss needs the
    training-mode clean logits and adds ``beta`` times a KL term between the clean and adversarial
    predictions (each subclass's own docstring gives its reference's default ``beta``)."""
    random_start = 'normal'
    trains_on_clean = True

    def __init__(self, beta: float):
        if beta < 0:
            raise ValueError(f'{type(self).__name__} beta must be >= 0, got {beta}')
        self.beta = float(beta)

    def describe(self) -> str:
        return f'{type(self).__name__}(beta={self.beta})'


def require_clean_logits(clean_logits: Optional[Tensor], objective: str) -> Tensor:
    if clean_logits is None:
        raise ValueError(f'{objective} needs the clean logits (pass clean_logits=model(x))')
    return clean_logits
