import pytest
import torch

from slim_mmseg.analysis import accuracy_and_loss, weight_noise_sweep
from analysis_models import conv_classifier, image_batch


def test_sigma_zero_reproduces_accuracy_exactly_and_weights_are_restored_bit_exactly():
    model = conv_classifier()
    batches = [image_batch(seed=1), image_batch(seed=2)]
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        reference = accuracy_and_loss(model.eval(), batches)
    model.train()
    records = weight_noise_sweep(model, batches, sigmas=[0.0, 0.05, 1.0], draws=3, seed=0)
    assert (records[0]['accuracy'], records[0]['loss']) == reference
    assert records[0]['draws'] == 1 and records[0]['accuracy_std'] == 0
    assert [r['draws'] for r in records[1:]] == [3, 3]
    assert records[2]['loss'] > records[0]['loss']  # large noise hurts
    assert records[1]['loss'] != records[0]['loss']  # noise was applied
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert model.training


def test_seeded_and_restored_even_when_evaluation_fails():
    model = conv_classifier()
    batches = [image_batch()]
    first = weight_noise_sweep(model, batches, sigmas=[0.1], draws=2, seed=3)
    assert weight_noise_sweep(model, batches, sigmas=[0.1], draws=2, seed=3) == first
    before = [p.clone() for p in model.parameters()]
    bad = [(torch.rand(2, 3, 8, 8), torch.zeros(2, 5, dtype=torch.long))]
    with pytest.raises(ValueError, match='do not match labels'):
        weight_noise_sweep(model, bad, sigmas=[0.5])
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_bad_arguments():
    model = conv_classifier()
    with pytest.raises(ValueError, match='draws'):
        weight_noise_sweep(model, [image_batch()], sigmas=[0.1], draws=0)
    with pytest.raises(ValueError, match='sigmas'):
        weight_noise_sweep(model, [image_batch()], sigmas=[-0.1])


def test_segmentation_metrics_ignore_255():
    logits = torch.zeros(1, 2, 2, 2)
    logits[0, 1] = 1.0  # predicts class 1 everywhere
    labels = torch.tensor([[[1, 0], [255, 255]]])
    model = lambda x: logits  # noqa: E731
    accuracy, loss = accuracy_and_loss(model, [(torch.zeros(1), labels)])
    assert accuracy == 0.5
    assert loss == pytest.approx(float(torch.nn.functional.cross_entropy(logits[:, :, 0, :], labels[:, 0, :])))
