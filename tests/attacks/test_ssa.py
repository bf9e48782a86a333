"""SSA / SSAH and the Haar low-pass they use."""
import pytest
import torch

from slim_mmseg.attacks import SSA, build_attack, haar_low_frequency, predicted_correct


def test_haar_low_frequency_is_the_2x2_block_mean():
    image = torch.tensor([[1., 3., 0., 4.], [5., 7., 2., 2.], [0., 0., 1., 1.], [4., 4., 1., 1.]]).view(1, 1, 4, 4)
    expected = torch.tensor([[4., 4., 2., 2.], [4., 4., 2., 2.], [2., 2., 1., 1.], [2., 2., 1., 1.]])
    assert torch.equal(haar_low_frequency(image)[0, 0], expected)
    odd = torch.arange(9.).view(1, 1, 3, 3)          # last row / column repeated before pooling
    assert haar_low_frequency(odd)[0, 0, 2, 2] == 8 and haar_low_frequency(odd).shape == odd.shape
    with pytest.raises(ValueError, match='N, C, H, W'):
        haar_low_frequency(torch.rand(3, 4, 4))


def test_ssa_fools_an_undefended_model_and_ssah_keeps_low_frequencies_closer(digits):
    model, _, test = digits
    images, labels = test[0][:64], test[1][:64]
    ssa = build_attack('ssa', model, feature_layer='pool', steps=150, lr=0.01)(images, labels)
    ssah = build_attack('ssah', model, feature_layer='pool', steps=150, lr=0.01)(images, labels)
    clean_accuracy = predicted_correct(model, images, labels).float().mean()
    assert predicted_correct(model, ssa, labels).float().mean() <= 0.5 * clean_accuracy

    def low_frequency_error(adversarial):
        return (haar_low_frequency(adversarial) - haar_low_frequency(images)).abs().sum()

    assert low_frequency_error(ssah) < low_frequency_error(ssa)


def test_negative_is_the_least_similar_clean_image_and_features_come_from_the_hook(digits):
    model, _, test = digits
    attack = SSA(model.eval(), feature_layer='block2', steps=1)
    images = test[0][:8]
    features = attack.feature(images)
    assert features.shape == (8, 32) and torch.allclose(features.norm(dim=1), torch.ones(8))
    with pytest.raises(ValueError, match='unknown SSA feature layer'):
        SSA(model, feature_layer='features')


def test_only_correctly_classified_images_are_attacked(digits):
    model, _, test = digits
    images, labels = test[0][:32], test[1][:32]
    wrong = labels.clone()
    wrong[:8] = (labels[:8] + 1) % 10           # these eight are misclassified "by label"
    adversarial = build_attack('ssa', model, feature_layer='pool', steps=20, lr=0.01)(images, wrong)
    assert torch.equal(adversarial[:8], images[:8])
    assert not torch.equal(adversarial[8:], images[8:])
    assert predicted_correct(model, adversarial, wrong)[:8].sum() == 0
