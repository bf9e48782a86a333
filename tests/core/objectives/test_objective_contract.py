"""Every registered adversarial-training objective against the contract the training step relies on
(as timm tests every registered model): parametrised over ``OBJECTIVES.names()``, with a guard that
each registered entry has its case here."""
import pytest
import torch

from slim_mmseg.core.objectives import OBJECTIVES
from slim_mmseg.core.objectives.base import AdversarialObjective

#: Arguments each objective needs beyond its defaults (none so far); a new objective adds its line.
CASES = {'MART': {}, 'PGDAT': {}, 'PGDCS': {}, 'TRADES': {}}


def test_every_registered_objective_has_a_case():
    assert sorted(CASES) == list(OBJECTIVES.names())


def inputs(objective: AdversarialObjective):
    g = torch.Generator().manual_seed(0)
    adv_logits = torch.randn(6, 5, generator=g, requires_grad=True)
    labels = torch.randint(0, 5, (6,), generator=g)
    clean_logits = torch.randn(6, 5, generator=g)
    kwargs = {}
    if getattr(objective, 'attack_uses_clean_feature', None):
        kwargs = dict(clean_feature=torch.randn(6, 3, 2, 2, generator=g),
                      adversarial_feature=torch.randn(6, 3, 2, 2, generator=g, requires_grad=True))
    return adv_logits, labels, clean_logits, kwargs


@pytest.mark.parametrize('name', OBJECTIVES.names())
def test_attack_loss_is_a_differentiable_scalar_of_the_adversarial_side(name):
    objective = OBJECTIVES.build(dict(type=name, **CASES[name]))
    assert objective.random_start in ('uniform', 'normal', 'none')
    adv_logits, labels, clean_logits, kwargs = inputs(objective)
    clean = clean_logits if objective.attack_uses_clean_logits else None
    value = objective.attack_loss(adv_logits, labels, clean, **kwargs)
    assert value.dim() == 0 and torch.isfinite(value)
    wrt = kwargs.get('adversarial_feature', adv_logits)
    grad, = torch.autograd.grad(value, wrt)
    assert grad.abs().sum() > 0


@pytest.mark.parametrize('name', OBJECTIVES.names())
def test_training_loss_terms_are_named_loss_and_train_the_logits(name):
    objective = OBJECTIVES.build(dict(type=name, **CASES[name]))
    adv_logits, labels, clean_logits, _ = inputs(objective)
    clean = clean_logits.requires_grad_() if objective.trains_on_clean else None
    terms = objective.training_loss(adv_logits, labels, clean)
    assert terms and all(key.startswith('loss_') and value.dim() == 0 for key, value in terms.items())
    total = sum(terms.values())
    total.backward()
    assert adv_logits.grad.abs().sum() > 0
    assert isinstance(objective.describe(), str) and objective.describe()
