"""LAFEAT: heads agree with the model, are cached per checkpoint, and the attack is strong."""
import pytest
import torch
from digits_model import trained_digits

from slim_mmseg.attacks import (LAFEAT, LAFEATHeads, default_lafeat_layers, head_agreement, load_heads,
                                load_or_train_heads, predicted_correct, train_lafeat_heads)
from slim_mmseg.attacks.lafeat import BETAS, margin

LAYERS = ['block1', 'block2']


@pytest.fixture(scope='module')
def digits_and_heads():
    model, train, test = trained_digits()
    heads = LAFEATHeads.for_model(model, LAYERS, train[0])
    losses = train_lafeat_heads(model, heads, train[0], epochs=30)
    return model, train, test, heads, losses


def test_heads_agree_with_the_model_on_their_training_data(digits_and_heads):
    model, train, test, heads, losses = digits_and_heads
    assert losses[-1] < 0.05 * losses[0]
    assert min(head_agreement(model, heads, train[0])) >= 0.95      # measured: 0.99 and 1.0
    assert min(head_agreement(model, heads, test[0])) >= 0.8       # and they generalise (0.89, 0.95)


def test_cache_is_reused_for_the_same_checkpoint_and_retrained_for_another(digits_and_heads, tmp_path):
    model, train, _, _, _ = digits_and_heads
    cache = tmp_path / 'heads.pth'
    first = load_or_train_heads(model, LAYERS, train[0][:200], str(cache), 'sha-a', epochs=2)
    stamp = cache.stat().st_mtime_ns
    again = load_or_train_heads(model, LAYERS, train[0][:200], str(cache), 'sha-a', epochs=2, seed=9)
    assert cache.stat().st_mtime_ns == stamp
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(), again.state_dict().values()))
    other = load_or_train_heads(model, LAYERS, train[0][:200], str(cache), 'sha-b', epochs=2, seed=9)
    assert not all(torch.equal(a, b) for a, b in zip(first.state_dict().values(), other.state_dict().values()))
    assert torch.load(cache, weights_only=True)['key'] == dict(checkpoint_sha256='sha-b', layers=LAYERS)
    loaded = load_heads(str(cache))
    assert loaded.layers == LAYERS and loaded.shapes == [(16, 8, 8), (32, 4, 4)]
    assert all(torch.equal(a, b) for a, b in zip(other.state_dict().values(), loaded.state_dict().values()))


def test_breaks_an_undefended_model_at_least_as_well_as_one_beta_zero_run(digits_and_heads):
    model, _, test, heads, _ = digits_and_heads
    images, labels = test[0][:64], test[1][:64]
    # 32/255 as for PGD-20 (8x8 digits with 17 grey levels).
    plain = LAFEAT(model, heads, eps=32 / 255, steps=20, betas=(0.0,))(images, labels)
    mixed = LAFEAT(model, heads, eps=32 / 255, steps=20, betas=(0.0, 0.5, 0.9))(images, labels)
    plain_correct = predicted_correct(model, plain, labels)
    mixed_correct = predicted_correct(model, mixed, labels)
    assert (mixed_correct <= plain_correct).all()          # later betas only attack survivors
    assert predicted_correct(model, images, labels).float().mean() >= 0.9
    assert mixed_correct.float().mean() <= 0.05


def test_margin_scaling():
    logits = torch.tensor([[3.0, 1.0, 0.5], [2.0, 2.0, 0.0]])
    assert torch.allclose(margin(logits), torch.tensor([[2.0], [1e-12]]))


def test_beta_order_is_the_references_middle_out_sweep():
    assert BETAS == (0.4, 0.5, 0.3, 0.6, 0.2, 0.7, 0.1, 0.8, 0.0, 0.9)
    assert sorted(BETAS) == [round(0.1 * i, 1) for i in range(10)]


def test_placement_errors_and_resnet18_default(digits_and_heads):
    model, _, _, heads, _ = digits_and_heads
    with pytest.raises(ValueError, match='no LAFEAT head on'):
        LAFEAT(model, heads, layer='fc')
    with pytest.raises(ValueError, match='Valid module names'):
        LAFEATHeads.for_model(model, ['block3'], torch.rand(1, 1, 8, 8))
    assert default_lafeat_layers(model) is None
    with pytest.raises(ValueError, match='at least 4x4, got 2x2'):
        LAFEATHeads(['x'], [(8, 2, 2)], num_classes=10)
    with pytest.raises(ValueError, match=r'\(N, C, H, W\) feature maps'):
        LAFEATHeads.for_model(model, ['pool', 'fc'], torch.rand(1, 1, 8, 8))


def test_resnet18_default_placement_builds_heads_on_32x32_inputs():
    from slim_mmseg.models.backbones.cifar_resnet import CIFARResNet

    class ResNet18Classifier(torch.nn.Module):          # the ImageClassifier layout: backbone, pool, head
        def __init__(self):
            super().__init__()
            self.backbone = CIFARResNet(base_width=8)
            self.head = torch.nn.Linear(64, 10)

        def forward(self, images):
            return self.head(self.backbone(images)[0].mean(dim=(2, 3)))

    model = ResNet18Classifier()
    layers = default_lafeat_layers(model)
    assert layers == ('backbone.layer3.1', 'backbone.layer4.0')
    heads = LAFEATHeads.for_model(model, layers, torch.rand(2, 3, 32, 32))
    assert heads.shapes == [(32, 8, 8), (64, 4, 4)]
    adversarial = LAFEAT(model, heads, steps=2, betas=(0.5,))(torch.rand(4, 3, 32, 32), torch.arange(4))
    assert adversarial.shape == (4, 3, 32, 32)


@pytest.mark.cuda
def test_heads_loaded_on_the_cpu_attack_a_model_on_cuda(digits_and_heads, tmp_path):
    import copy
    model, train, test, _, _ = digits_and_heads
    cache = tmp_path / 'heads.pth'
    cuda_model = copy.deepcopy(model).cuda()
    load_or_train_heads(cuda_model, LAYERS, train[0][:200].cuda(), str(cache), 'sha', epochs=2)
    heads = load_heads(str(cache))
    assert next(heads.parameters()).device.type == 'cpu'
    images, labels = test[0][:32].cuda(), test[1][:32].cuda()
    adversarial = LAFEAT(cuda_model, heads, eps=32 / 255, steps=3, betas=(0.5,))(images, labels)
    assert adversarial.device.type == 'cuda' and next(heads.parameters()).device.type == 'cuda'
    assert (adversarial - images).abs().max() <= 32 / 255 + 1e-6
    assert len(head_agreement(cuda_model, heads, images)) == len(LAYERS)   # the heads run on cuda features
