"""The AutoAttack adapter: pyautoattack's own result, strong on an undefended model, bad input."""
import pytest
import torch
from pyautoattack import AutoAttack

from slim_mmseg.attacks import AutoAttackAdapter, build_attack, predicted_correct


def test_returns_pyautoattacks_own_result_on_a_fixed_batch(digits):
    model, _, test = digits
    images, labels = test[0][:16], test[1][:16]
    ours = AutoAttackAdapter(model, eps=16 / 255, version='custom', attacks=['apgd-ce', 'apgd-t'],
                             seed=0)(images, labels)
    reference = AutoAttack(model.eval(), norm='Linf', eps=16 / 255, version='custom',
                           attacks=['apgd-ce', 'apgd-t'], seed=0, device='cpu')
    theirs, _ = reference.run_standard_evaluation(images, labels, batch_size=250)
    assert torch.equal(ours, theirs)
    assert not torch.equal(ours, images)


def test_standard_version_breaks_an_undefended_model(digits):
    # The full standard suite (APGD-CE, APGD-T, FAB-T, Square) on 40 points; 32/255 as for PGD-20
    # (8x8 digits with 17 grey levels).
    model, _, test = digits
    images, labels = test[0][100:140], test[1][100:140]
    adversarial = build_attack('autoattack', model, eps=32 / 255)(images, labels)
    assert (adversarial - images).abs().max() <= 32 / 255 + 1e-6
    assert predicted_correct(model, adversarial, labels).float().mean() <= 0.05


def test_bad_configuration():
    model = torch.nn.Linear(2, 2)
    with pytest.raises(ValueError, match="version='custom'"):
        AutoAttackAdapter(model, attacks=['apgd-ce'])
    with pytest.raises(ValueError, match="version='custom'"):
        AutoAttackAdapter(model, version='custom')
    with pytest.raises(ValueError, match='version must be one of'):
        AutoAttackAdapter(model, version='fast')
    with pytest.raises(ValueError, match='not 8'):
        AutoAttackAdapter(model, eps=8)


def test_fab_calls_backward_yet_leaves_no_parameter_gradient(digits):
    model, _, test = digits
    attack = AutoAttackAdapter(model, eps=4 / 255, version='custom', attacks=['fab'])
    assert attack.calls_backward
    attack(test[0][:8], test[1][:8])
    assert all(p.grad is None and p.requires_grad for p in model.parameters())
