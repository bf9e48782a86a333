import pytest
import torch
import torch.nn.functional as F

from slim_mmseg.analysis import PixelAttack, gradient_shift_cosine
from analysis_models import conv_classifier, image_batch

LAYERS = ['backbone.layer1', 'backbone.layer2']


def test_matches_the_definition_computed_by_hand():
    model = conv_classifier().eval()
    images, labels = image_batch()
    adversarial = (images + 0.05 * torch.randn(images.shape, generator=torch.Generator().manual_seed(0))).clamp(0, 1)
    result = gradient_shift_cosine(model, images, labels, adversarial, ['backbone.layer2'])
    with torch.no_grad():
        clean = model.backbone.layer2(model.backbone.layer1(images - 0.5))
    feature = model.backbone.layer2(model.backbone.layer1(adversarial - 0.5)).detach().requires_grad_()
    loss = F.cross_entropy(model.head(feature.mean(dim=(2, 3))), labels)
    gradient, = torch.autograd.grad(loss, feature)
    expected = F.cosine_similarity(gradient.flatten(1), (feature - clean).detach().flatten(1), dim=1).mean()
    assert result['backbone.layer2'] == pytest.approx(float(expected), abs=1e-5)


def test_a_cross_entropy_attack_aligns_shift_and_gradient_more_than_noise():
    model = conv_classifier()
    images, labels = image_batch(n=16)
    attack = PixelAttack(model, 'ce', eps=4 / 255, steps=3, step_size=1 / 255)
    iterates = attack.iterates(images, labels)
    assert len(iterates) == 3 + 1  # x_0 (the random start), x_1, x_2 and the final x_3
    assert all((x - images).abs().max() <= 4 / 255 + 1e-6 for x in iterates)
    assert not torch.equal(iterates[0], iterates[1])
    attacked = gradient_shift_cosine(model, images, labels, iterates[-1], LAYERS)
    noise = images + (4 / 255) * torch.sign(torch.randn(images.shape, generator=torch.Generator().manual_seed(2)))
    noisy = gradient_shift_cosine(model, images, labels, noise.clamp(0, 1), LAYERS)
    for layer in LAYERS:
        assert -1 <= noisy[layer] <= 1 and -1 <= attacked[layer] <= 1
        assert attacked[layer] > noisy[layer]
    assert model.training and all(p.grad is None for p in model.parameters())


def test_bad_inputs():
    model = conv_classifier()
    images, labels = image_batch()
    with pytest.raises(ValueError, match='do not match'):
        gradient_shift_cosine(model, images, labels, images[:2], LAYERS)
    with pytest.raises(ValueError, match='backbone.layer1'):
        gradient_shift_cosine(model, images, labels, images, ['backbone.layer5'])
