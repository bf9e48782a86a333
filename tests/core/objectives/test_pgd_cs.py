"""PGD-CS: the cosine distance on known vectors, the attack loss and its gradient, and the
objective inside AdversarialTraining (alone, with SLIM, and with a wrong layer)."""
import pytest
import torch
import torch.nn.functional as F

import slim_mmseg.openmmlab  # noqa: F401  (registration)
from mmseg.registry import MODELS
from slim_mmseg.core import capture_output
from slim_mmseg.core.objectives import PGDCS, build_objective, cosine_distance
from tiny_classifier import classifier_cfg

LAYERS = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']


def test_cosine_distance_of_known_vectors_per_sample_over_flattened_features():
    clean = torch.tensor([[1., 0.], [1., 0.], [1., 0.], [3., 4.]]).view(4, 1, 2)
    adversarial = torch.tensor([[2., 0.], [0., 5.], [-1., 0.], [4., 3.]]).view(4, 1, 2)
    assert torch.allclose(cosine_distance(clean, adversarial), torch.tensor([0., 1., 2., 1 - 24 / 25]))
    with pytest.raises(ValueError, match='features of one shape'):
        cosine_distance(clean, adversarial[:, :, :1])


def test_attack_loss_is_the_batch_mean_and_its_gradient_reaches_the_adversarial_feature_only():
    generator = torch.Generator().manual_seed(0)
    clean = torch.randn(3, 2, 4, 4, generator=generator).requires_grad_()
    adversarial = torch.randn(3, 2, 4, 4, generator=generator).requires_grad_()
    objective = PGDCS()
    loss = objective.attack_loss(torch.zeros(3, 10), torch.zeros(3, dtype=torch.long),
                                 clean_feature=clean, adversarial_feature=adversarial)
    expected = (1 - F.cosine_similarity(clean.flatten(1), adversarial.flatten(1), dim=1)).mean()
    assert loss.item() == pytest.approx(expected.item(), abs=1e-6)
    loss.backward()
    assert clean.grad is None and adversarial.grad.abs().sum() > 0


def test_attack_loss_without_features_says_what_to_pass_and_the_training_loss_is_adversarial_ce():
    objective = build_objective(dict(type='PGDCS', layer='backbone.layer3'))
    assert objective.attack_uses_clean_feature == 'backbone.layer3' and objective.random_start == 'uniform'
    assert not objective.trains_on_clean and not objective.attack_uses_clean_logits
    logits, labels = torch.randn(4, 10), torch.arange(4)
    with pytest.raises(ValueError, match="'backbone.layer3'.*clean_feature"):
        objective.attack_loss(logits, labels)
    assert objective.training_loss(logits, labels)['loss_adv_ce'].item() == pytest.approx(
        F.cross_entropy(logits, labels).item())
    with pytest.raises(ValueError, match='module name'):
        PGDCS(layer='')


def build(slim=None, layer='backbone.layer4'):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='AdversarialTraining',
        model=classifier_cfg(normalise=False),
        objective=dict(type='PGDCS', layer=layer), attack=dict(eps=8 / 255, step_size=2 / 255, steps=5),
        slim=slim, seed=0))


def cosine_distance_at(model, images, adversarial):
    network = model.model.eval()
    with torch.no_grad(), capture_output(network.backbone.layer4) as clean:
        network(images, mode='tensor')
    with torch.no_grad(), capture_output(network.backbone.layer4) as adv:
        network(adversarial, mode='tensor')
    return cosine_distance(clean.feature, adv.feature).mean().item()


def test_the_training_attack_ascends_the_fourth_stage_cosine_distance_inside_the_ball():
    model = build()
    images = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    labels = torch.arange(4)
    result, draw = model.attack(images, labels)
    assert draw is None
    assert (result.inputs - images).abs().max() <= 8 / 255 + 1e-6
    reached = cosine_distance_at(model, images, result.inputs)
    start = model.perturbation.start(images, torch.Generator().manual_seed(0))[0].detach()
    assert reached > 2 * cosine_distance_at(model, images, start) > 0


def test_pgd_cs_composes_with_slim_and_a_wrong_layer_fails_at_build_time():
    model = build(slim=dict(layers=LAYERS, lambda_range=(1.0, 1.0)))
    images = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    result, draw = model.attack(images, torch.arange(4))
    assert draw is not None and draw.weight == 1.0
    assert torch.isfinite(result.inputs).all()
    with pytest.raises(ValueError, match="unknown attack feature layer 'backbone.layer5'"):
        build(layer='backbone.layer5')

