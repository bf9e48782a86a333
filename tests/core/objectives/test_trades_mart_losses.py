"""TRADES and MART losses against values computed by hand (plain Python floats) on small tensors."""
import math

import pytest
import torch

from slim_mmseg.core.objectives import MART, PGDAT, TRADES, build_objective

CLEAN = [[2.0, 0.0, -1.0], [0.5, 1.5, 0.0]]
ADV = [[0.0, 1.0, 0.0], [1.0, -1.0, 2.0]]
LABELS = [0, 1]


def softmax(row):
    exps = [math.exp(v) for v in row]
    return [e / sum(exps) for e in exps]


def kl(p, q):
    return sum(pk * (math.log(pk) - math.log(qk)) for pk, qk in zip(p, q))


def tensors():
    return (torch.tensor(CLEAN, dtype=torch.float64, requires_grad=True),
            torch.tensor(ADV, dtype=torch.float64, requires_grad=True), torch.tensor(LABELS))


def test_trades_losses_equal_hand_computed_values():
    clean, adv, labels = tensors()
    kls = [kl(softmax(c), softmax(a)) for c, a in zip(CLEAN, ADV)]
    ce = [-math.log(softmax(c)[y]) for c, y in zip(CLEAN, LABELS)]
    objective = TRADES(beta=6.0)
    assert objective.attack_loss(adv, labels, clean.detach()).item() == pytest.approx(sum(kls) / 2)
    terms = objective.training_loss(adv, labels, clean)
    assert terms['loss_clean_ce'].item() == pytest.approx(sum(ce) / 2)
    assert terms['loss_robust_kl'].item() == pytest.approx(6.0 * sum(kls) / 2)


def test_trades_clean_distribution_is_not_detached():
    clean, adv, labels = tensors()
    TRADES(beta=6.0).training_loss(adv, labels, clean)['loss_robust_kl'].backward()
    assert clean.grad is not None and clean.grad.abs().sum() > 0
    assert adv.grad.abs().sum() > 0


def test_mart_losses_equal_hand_computed_values():
    clean, adv, labels = tensors()
    expected_bce, expected_kl = 0.0, 0.0
    for c, a, y in zip(CLEAN, ADV, LABELS):
        p, q = softmax(c), softmax(a)
        ranked = sorted(range(3), key=lambda k: q[k])
        wrong = ranked[-2] if ranked[-1] == y else ranked[-1]
        expected_bce += -math.log(q[y]) - math.log(1.0001 - q[wrong] + 1e-12)
        reference_kl = sum(pk * (math.log(pk) - math.log(qk + 1e-12)) for pk, qk in zip(p, q))
        expected_kl += reference_kl * (1.0000001 - p[y])
    terms = MART(beta=5.0).training_loss(adv, labels, clean)
    assert terms['loss_adv_bce'].item() == pytest.approx(expected_bce / 2)
    assert terms['loss_robust_kl'].item() == pytest.approx(5.0 * expected_kl / 2)
    sum(terms.values()).backward()
    assert clean.grad.abs().sum() > 0  # p(x) not detached, as in mart.py


def test_mart_wrong_class_is_the_top_class_when_the_label_is_not_on_top():
    # sample 1's adversarial top class (2) is wrong: the margin term must use class 2
    clean, adv, labels = tensors()
    q = softmax(ADV[1])
    term = MART().training_loss(adv[1:], labels[1:], clean[1:])['loss_adv_bce'].item()
    assert term == pytest.approx(-math.log(q[1]) - math.log(1.0001 - q[2] + 1e-12))


def test_cross_entropy_attack_losses():
    clean, adv, labels = tensors()
    ce = sum(-math.log(softmax(a)[y]) for a, y in zip(ADV, LABELS)) / 2
    assert PGDAT().attack_loss(adv, labels).item() == pytest.approx(ce)
    assert MART().attack_loss(adv, labels).item() == pytest.approx(ce)
    assert PGDAT().training_loss(adv, labels)['loss_adv_ce'].item() == pytest.approx(ce)


def test_objectives_that_need_clean_logits_say_so():
    _, adv, labels = tensors()
    with pytest.raises(ValueError, match='clean logits'):
        TRADES().attack_loss(adv, labels)
    with pytest.raises(ValueError, match='clean logits'):
        MART().training_loss(adv, labels)


def test_build_objective_names_valid_choices():
    assert isinstance(build_objective(dict(type='TRADES', beta=3.0)), TRADES)
    assert build_objective(dict(type='MART')).beta == 5.0
    with pytest.raises(ValueError, match="'Trades' \\(did you mean 'TRADES'\\?\\).*MART, PGDAT, TRADES"):
        build_objective(dict(type='Trades'))
    with pytest.raises(ValueError, match='beta'):
        build_objective(dict(type='TRADES', beta=-1.0))
