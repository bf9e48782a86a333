import pytest
import torch
import torch.nn.functional as F
from mmengine.runner.checkpoint import CheckpointLoader
from mmengine.structures import BaseDataElement
from mmseg.registry import MODELS

import slim_mmseg.openmmlab  # noqa: F401
from slim_mmseg.engine.pretrained_weights_hook import cached_path, checkpoint_url


def tiny_classifier(**kwargs):
    return MODELS.build(dict(
        type='ImageClassifier',
        data_preprocessor=dict(type='ImgDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3),
        backbone=dict(type='WideResNet', depth=10, widen_factor=1),
        in_channels=64, num_classes=5, **kwargs))


def samples(labels):
    return [BaseDataElement(gt_label=torch.tensor(label)) for label in labels]


def test_loss_is_cross_entropy_and_accuracy_is_not_a_loss():
    torch.manual_seed(0)
    model = tiny_classifier()
    inputs = torch.randn(4, 3, 16, 16)
    labels = [0, 1, 2, 3]
    logits = model(inputs, mode='tensor')
    losses = model(inputs, samples(labels), mode='loss')
    assert set(losses) == {'loss_cls', 'acc'}
    torch.testing.assert_close(losses['loss_cls'], F.cross_entropy(logits, torch.tensor(labels)))
    expected_acc = (logits.argmax(1) == torch.tensor(labels)).float().mean() * 100
    torch.testing.assert_close(losses['acc'], expected_acc)
    total, _ = model.parse_losses(losses)
    torch.testing.assert_close(total, losses['loss_cls'])


def test_predict_fills_label_and_softmax_scores():
    model = tiny_classifier().eval()
    inputs = torch.randn(3, 3, 16, 16)
    logits = model(inputs, mode='tensor')
    predictions = model(inputs, samples([0, 0, 0]), mode='predict')
    for logit, prediction in zip(logits, predictions):
        torch.testing.assert_close(prediction.pred_score, logit.softmax(0))
        assert int(prediction.pred_label) == int(logit.argmax())
        assert int(prediction.gt_label) == 0  # the input samples are kept and completed
    assert len(model.predict(inputs)) == 3


def test_every_parameter_gets_a_gradient_and_bad_mode_or_labels_fail():
    model = tiny_classifier()
    model(torch.randn(4, 3, 16, 16), samples([0, 1, 2, 3]), mode='loss')['loss_cls'].backward()
    for name, param in model.named_parameters():
        assert param.grad is not None and torch.isfinite(param.grad).all(), name
    with pytest.raises(ValueError, match="'tensor', 'loss' or 'predict'"):
        model(torch.randn(1, 3, 16, 16), mode='logits')
    with pytest.raises(ValueError, match='gt_label'):
        model.loss(torch.randn(1, 3, 16, 16), [BaseDataElement()])


def test_resnet18_classifier_matches_torchvision_names_and_loads_torchvision_scheme(
        tmp_path, monkeypatch):
    """mmseg's ResNet-18 has torchvision's parameter names, so ``torchvision://resnet18``
    fills every backbone parameter; the scheme works without torchvision, from the hub cache."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    model = MODELS.build(dict(type='ImageClassifier', in_channels=512, num_classes=7,
                              backbone=dict(type='ResNet', depth=18, out_indices=(3, ))))
    backbone_state = model.backbone.state_dict()
    torchvision_like = {key: torch.full_like(value, 0.5) if value.is_floating_point() else value
                        for key, value in backbone_state.items()}
    torchvision_like['fc.weight'] = torch.zeros(1000, 512)
    path = cached_path(checkpoint_url('torchvision://resnet18'))
    (tmp_path / 'hub' / 'checkpoints').mkdir(parents=True)
    torch.save(torchvision_like, path)
    loaded = CheckpointLoader.load_checkpoint('torchvision://resnet18')
    assert 'layer4.1.bn2.running_var' in loaded and 'bn1.weight' in loaded
    missing, unexpected = model.backbone.load_state_dict(loaded, strict=False)
    assert missing == [] and unexpected == ['fc.weight']
    assert torch.all(model.backbone.layer2[0].downsample[0].weight == 0.5)
    assert model(torch.randn(1, 3, 64, 64)).shape == (1, 7)
