import pytest
import torch
import torch.nn.functional as F

from slim_mmseg.analysis import (ImageStyleAttack, PixelAttack, RandomCorruption, cosine_per_sample,
                                 layer_features, mart_attack, standard_sources)
from analysis_models import conv_classifier, image_batch


def loss(model, images, labels):
    with torch.no_grad():
        return float(F.cross_entropy(model.eval()(images), labels))


def test_pgd_stays_in_the_ball_and_raises_the_loss():
    model = conv_classifier()
    images, labels = image_batch(n=16)
    adversarial = PixelAttack(model, 'ce', eps=8 / 255, steps=5, step_size=2 / 255)(images, labels)
    assert (adversarial - images).abs().max() <= 8 / 255 + 1e-6
    assert adversarial.min() >= 0 and adversarial.max() <= 1
    assert loss(model, adversarial, labels) > loss(model, images, labels)
    assert all(p.grad is None for p in model.parameters())


def test_pgd_cs_lowers_the_cosine_at_its_layer_more_than_pgd():
    model = conv_classifier()
    images, labels = image_batch(n=16)
    layer = 'backbone.layer2'
    cs = PixelAttack(model, 'cosine', layer=layer, steps=5)(images, labels)
    ce = PixelAttack(model, 'ce', steps=5)(images, labels)
    clean = layer_features(model.eval(), images, [layer])[layer]

    def cosine(x):
        return float(cosine_per_sample(clean, layer_features(model, x, [layer])[layer]).mean())

    assert cosine(cs) < cosine(ce) < 1


def test_mart_starts_from_gaussian_noise_with_its_published_settings():
    attack = mart_attack(conv_classifier())
    assert (attack.perturbation.eps, attack.steps, attack.step_size) == (0.031, 10, 0.007)
    assert attack.perturbation.random_start == 'normal' and attack.perturbation.normal_std == 1e-3


def test_image_level_advstyle_changes_channel_statistics_and_raises_the_loss():
    model = conv_classifier()
    images, labels = image_batch(n=16)
    styled = ImageStyleAttack(model, steps=1, step_size=0.05)(images, labels)
    assert styled.shape == images.shape
    shift = (styled.mean(dim=(2, 3)) - images.mean(dim=(2, 3))).abs()
    assert torch.allclose(shift, torch.full_like(shift, 0.05), atol=1e-4)  # one signed step of 0.05 on each mean
    assert loss(model, styled, labels) > loss(model, images, labels)


def test_random_corruption_is_seeded_and_stays_in_range():
    images, labels = image_batch(n=6)
    first = RandomCorruption(seed=3)(images, labels)
    assert torch.equal(first, RandomCorruption(seed=3)(images, labels))
    assert first.shape == images.shape and first.dtype == images.dtype
    assert 0 <= first.min() and first.max() <= 1 and not torch.equal(first, images)


def test_bad_configuration():
    model = conv_classifier()
    with pytest.raises(ValueError, match='needs a layer'):
        PixelAttack(model, 'cosine')
    with pytest.raises(ValueError, match='loss must be one of'):
        PixelAttack(model, 'kl')
    with pytest.raises(ValueError, match='backbone.layer1'):
        PixelAttack(model, 'cosine', layer='backbone.layer4')
    with pytest.raises(ValueError, match="valid: \\['PGD'"):
        standard_sources(model, 'backbone.layer2', names=['FGSM'])
    assert list(standard_sources(model, 'backbone.layer2')) == [
        'PGD', 'PGD-CS', 'MART', 'AdvStyle (image)', 'random corruption']
