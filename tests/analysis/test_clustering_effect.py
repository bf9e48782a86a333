import pytest
import torch
from torch import nn

from slim_mmseg.analysis import class_centroids, clustering_accuracy, nearest_centroid
from analysis_models import conv_classifier, image_batch


class FeatureClassifier(nn.Module):
    """Inputs are features already: ``features`` is the identity, ``head`` the nearest class mean."""

    def __init__(self, means):
        super().__init__()
        self.features = nn.Identity()
        self.register_buffer('means', means)

    def forward(self, x):
        return -torch.cdist(self.features(x), self.means)


def separable(n_per_class=20, classes=4, dim=5, seed=0, shuffle=False):
    generator = torch.Generator().manual_seed(seed)
    means = 10 * torch.eye(classes, dim)
    labels = torch.arange(classes).repeat_interleave(n_per_class)
    features = means[labels] + 0.5 * torch.randn(len(labels), dim, generator=generator)
    if shuffle:
        labels = labels[torch.randperm(len(labels), generator=generator)]
    return means, features, labels


def test_separable_features_cluster_perfectly():
    means, features, labels = separable()
    _, test_features, test_labels = separable(seed=1)
    model = FeatureClassifier(means)
    accuracy = clustering_accuracy(model, ['features'], [(features, labels)], [(test_features, test_labels)], 4)
    assert accuracy == {'features': 1.0}


def test_shuffled_labels_give_chance_accuracy():
    means, features, _ = separable(n_per_class=200)
    _, test_features, test_labels = separable(n_per_class=200, seed=1, shuffle=True)
    model = FeatureClassifier(means)
    # the model is right on the (unshuffled) training set; the test labels are unrelated to the features
    accuracy = clustering_accuracy(model, ['features'], [(features, torch.arange(4).repeat_interleave(200))],
                                   [(test_features, test_labels)], 4)['features']
    assert abs(accuracy - 0.25) < 0.05


def test_centroids_follow_the_sat_code_or_the_plain_mean():
    sums = torch.tensor([[4.0, 2.0], [3.0, 3.0]])
    class_counts, correct_counts = torch.tensor([4, 3]), torch.tensor([2, 3])
    assert torch.equal(class_centroids(sums, class_counts, correct_counts), torch.tensor([[1.0, 0.5], [1.0, 1.0]]))
    assert torch.equal(class_centroids(sums, class_counts, correct_counts, 'correct'),
                       torch.tensor([[2.0, 1.0], [1.0, 1.0]]))
    assert torch.equal(nearest_centroid(torch.tensor([[0.9, 0.4], [1.1, 1.2]]), torch.tensor([[1.0, 0.5], [1.0, 1.0]])),
                       torch.tensor([0, 1]))


def test_a_class_without_correct_sample_is_named():
    with pytest.raises(ValueError, match=r'classes \[1\]'):
        class_centroids(torch.zeros(2, 3), torch.tensor([2, 2]), torch.tensor([2, 0]))


def test_real_model_layers_perturbation_and_bad_inputs():
    model = conv_classifier()
    images, labels = image_batch(n=12)
    with torch.no_grad():
        # centre the logits so that all three classes are predicted, and label the samples with the
        # predictions: every training sample is correct and every class has a centroid
        model.head.bias.sub_(model.eval()(images).mean(0))
        labels = model(images).argmax(1)
    assert set(labels.tolist()) == {0, 1, 2}
    model.train()
    seen = []

    def perturb(x, y):
        seen.append(len(x))
        return x

    layers = ['backbone.layer1', 'backbone.layer2']
    result = clustering_accuracy(model, layers, [(images, labels)], [(images, labels)], 3, perturb=perturb,
                                 denominator='correct')
    assert set(result) == set(layers) and all(0 <= v <= 1 for v in result.values())
    assert seen == [12] and model.training
    with pytest.raises(ValueError, match='backbone.layer2'):
        clustering_accuracy(model, ['backbone.layer3'], [(images, labels)], [(images, labels)], 3)
    with pytest.raises(ValueError, match='needs a classifier'):
        clustering_accuracy(model, layers, [(images, labels[:, None, None].expand(12, 2, 2))], [], 3)


@pytest.mark.cuda
def test_counters_follow_cuda_batches():
    means, features, labels = separable()
    _, test_features, test_labels = separable(seed=1)
    model = FeatureClassifier(means).cuda()
    accuracy = clustering_accuracy(model, ['features'], [(features.cuda(), labels.cuda())],
                                   [(test_features.cuda(), test_labels.cuda())], 4)
    assert accuracy == {'features': 1.0}
