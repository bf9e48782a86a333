"""Every style module under CPU autocast, fed float16 / bfloat16 maps as a convolution's output
would be on CUDA (CPU autocast runs batch norm in float32, cuDNN's keeps float16 after it, so the
module input's dtype is set here rather than left to autocast), against the float32 module.

The map is 2 x 4 x 384 x 384 (DeepLab's stem at a 768 crop) with std 2, so the sum of squares of
a channel is H * W * var = 147456 * 4 = 589824 > 65504 (float16's largest value): the former
statistics, which cast that sum to float16 before dividing, gave an infinite variance and every
module a NaN output (see ``tests/core/test_spatial_var_mean.py``, which asserts the overflow on
such a map). bfloat16 has float32's range and is held to its 8-bit precision.
"""
import pytest
import torch

from slim_mmseg.core.style_modules import ASA, DSU, STYLE_MODULES, MixStyle, PermutedAdaIN

MODULES = {
    'ASA-advstyle': lambda seed: ASA(4, branch_probabilities=(0.0, 1.0, 0.0), seed=seed),
    'ASA-dsu': lambda seed: ASA(4, branch_probabilities=(0.0, 0.0, 1.0), seed=seed),
    'DSU': lambda seed: DSU(4, p=1.0, seed=seed),
    'MixStyle': lambda seed: MixStyle(4, p=1.0, seed=seed),
    'pAdaIN': lambda seed: PermutedAdaIN(4, p=1.0, seed=seed),
}


def test_every_registered_style_module_is_covered():
    assert {type(build(seed=0)).__name__ for build in MODULES.values()} == \
        {STYLE_MODULES.get(name).__name__ for name in STYLE_MODULES.names()}


def large_map(dtype):
    g = torch.Generator().manual_seed(0)
    scale = torch.rand(2, 4, 1, 1, generator=g) + 1.5  # std 1.5 .. 2.5: H * W * var >= 331776
    return (torch.randn(2, 4, 384, 384, generator=g) * scale + torch.randn(2, 4, 1, 1, generator=g)).to(dtype)


def run(module, x, weights):
    """Output and the gradients of ``sum(weights * output)`` (a sum: gradients of order one, which
    float16 holds without a loss scale) with respect to the input and the parameters."""
    x = x.detach().requires_grad_()
    out = module.train()(x)
    loss = (out.float() * weights).sum()
    # ASA's DSU branch leaves the control factors out of the graph.
    parameters = [] if getattr(module, 'last_branch', None) == 'dsu' else list(module.parameters())
    grads = torch.autograd.grad(loss, [x, *parameters])
    return out, grads[0], grads[1:]


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
@pytest.mark.parametrize('name', sorted(MODULES))
def test_module_under_autocast_matches_float32(name, dtype):
    x = large_map(dtype)
    weights = torch.randn(x.shape, generator=torch.Generator().manual_seed(1)) / 384
    reference_module, module = MODULES[name](seed=3), MODULES[name](seed=3)
    expected, expected_input_grad, expected_grads = run(reference_module, x.float(), weights)
    with torch.autocast('cpu', dtype=dtype):
        out, input_grad, grads = run(module, x, weights)

    assert out.dtype == input_grad.dtype == dtype
    assert not torch.equal(expected, x.float())  # the module acted
    assert torch.isfinite(out).all() and torch.isfinite(input_grad).all()
    resolution = torch.finfo(dtype).eps  # 2^-10 (float16), 2^-7 (bfloat16)
    # Same decisions and noise (drawn in float32 on the CPU); the outputs differ by the rounding
    # of the output and of the per-channel scale and shift to ``dtype``.
    assert (out.float() - expected).abs().max() <= 4 * resolution * expected.abs().max()
    assert (input_grad.float() - expected_input_grad).abs().max() <= \
        8 * resolution * expected_input_grad.abs().max()
    for grad, expected_grad in zip(grads, expected_grads):  # ASA's control factors (float32)
        assert grad.dtype == torch.float32
        torch.testing.assert_close(grad, expected_grad, rtol=8 * resolution, atol=1e-3 * expected_grad.abs().max())
    if name == 'ASA-advstyle':
        torch.testing.assert_close(module.mean_factor, reference_module.mean_factor, rtol=resolution, atol=0)
        torch.testing.assert_close(module.std_factor, reference_module.std_factor, rtol=resolution, atol=0)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA device')
@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
@pytest.mark.parametrize('name', sorted(MODULES))
def test_module_after_a_convolution_under_cuda_autocast(name, dtype):
    """On the device: a convolution under autocast hands the module a ``dtype`` map."""
    conv = torch.nn.Conv2d(4, 4, 1).cuda()
    with torch.no_grad():
        conv.weight.copy_(torch.eye(4).view(4, 4, 1, 1))
        conv.bias.zero_()
    weights = (torch.randn(2, 4, 384, 384, generator=torch.Generator().manual_seed(1)) / 384).cuda()
    with torch.autocast('cuda', dtype=dtype):
        feature = conv(large_map(torch.float32).cuda())
    assert feature.dtype == dtype
    module, reference_module = MODULES[name](seed=3).cuda(), MODULES[name](seed=3).cuda()
    expected, expected_input_grad, _ = run(reference_module, feature.float(), weights)
    with torch.autocast('cuda', dtype=dtype):
        out, input_grad, _ = run(module, feature, weights)
    assert out.dtype == input_grad.dtype == dtype and out.is_cuda
    assert torch.isfinite(out).all() and torch.isfinite(input_grad).all()
    resolution = torch.finfo(dtype).eps
    assert (out.float() - expected).abs().max() <= 4 * resolution * expected.abs().max()
    assert (input_grad.float() - expected_input_grad).abs().max() <= \
        8 * resolution * expected_input_grad.abs().max()
