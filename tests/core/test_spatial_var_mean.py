"""spatial_var_mean and style_statistics: torch.var_mean over (H, W) in values and gradients, in
float32 whatever the input's dtype."""
import pytest
import torch

from slim_mmseg.core.style_statistics import restyle, spatial_var_mean, style_statistics

FLOAT16_MAX = torch.finfo(torch.float16).max  # 65504


@pytest.mark.parametrize('correction', [0, 1])
def test_values_and_gradients_match_var_mean(correction):
    x = (torch.randn(3, 5, 7, 9, generator=torch.Generator().manual_seed(0)) * 2 + 1).relu()
    x.requires_grad_()
    var, mean = spatial_var_mean(x, correction)
    expected_var, expected_mean = torch.var_mean(x, dim=(2, 3), correction=correction, keepdim=True)
    torch.testing.assert_close(var, expected_var, rtol=1e-6, atol=0)
    torch.testing.assert_close(mean, expected_mean, rtol=1e-6, atol=1e-7)
    weights = torch.randn(2, 3, 5, 1, 1, generator=torch.Generator().manual_seed(1))
    gradient, = torch.autograd.grad((weights[0] * var + weights[1] * mean).sum(), x)
    expected, = torch.autograd.grad((weights[0] * expected_var + weights[1] * expected_mean).sum(), x)
    torch.testing.assert_close(gradient, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize('correction', [0, 1])
def test_first_and_second_derivatives_are_exact(correction):
    x = torch.randn(2, 3, 4, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: spatial_var_mean(t, correction), (x,))
    assert torch.autograd.gradgradcheck(lambda t: spatial_var_mean(t, correction), (x,))


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_reduced_precision_maps_give_float32_statistics_without_overflow(dtype):
    """A 384 x 384 map (DeepLab's stem at a 768 crop) with std 2: the sum of squares is
    H * W * var = 147456 * 4 = 589824 > 65504, so the former two-pass, which cast that sum to the
    input's float16 before dividing, gave an infinite variance (asserted below on the same input).
    bfloat16 has float32's range; it is held to its 8-bit precision instead."""
    g = torch.Generator().manual_seed(0)
    x = (torch.randn(2, 3, 384, 384, generator=g) * 2 + 0.5).to(dtype).requires_grad_()
    reference = x.detach().double()
    if dtype == torch.float16:
        centred = x.detach() - x.detach().mean(dim=(2, 3), keepdim=True)
        assert torch.isinf(centred.square().sum(dim=(2, 3)).to(dtype)).all()  # the old code's sum
        assert 384 * 384 * reference.var(dim=(2, 3)).min() > FLOAT16_MAX
    with torch.autocast('cpu', dtype=dtype):
        var, mean = spatial_var_mean(x, 1)
    assert var.dtype == mean.dtype == torch.float32
    expected_var, expected_mean = torch.var_mean(reference, dim=(2, 3), keepdim=True)
    # The values are exact reductions of the reduced-precision input: float32 accuracy.
    torch.testing.assert_close(var.double(), expected_var, rtol=1e-5, atol=0)
    torch.testing.assert_close(mean.double(), expected_mean, rtol=1e-5, atol=1e-6)
    gradient, = torch.autograd.grad(var.sum() + mean.sum(), x)
    assert gradient.dtype == dtype and torch.isfinite(gradient).all()
    expected = 2 * (reference - expected_mean) / (384 * 384 - 1) + 1 / (384 * 384)
    torch.testing.assert_close(gradient.double(), expected, rtol=1e-2, atol=1e-7)


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_restyle_returns_the_input_dtype_with_the_float32_result_within_its_precision(dtype):
    """Same overflowing map as above; the restyled map is the float32 restyle rounded to ``dtype``."""
    g = torch.Generator().manual_seed(1)
    x = (torch.randn(2, 3, 384, 384, generator=g) * 2 + 0.5).to(dtype)
    mean, std = torch.randn(2, 3, 1, 1, generator=g), torch.rand(2, 3, 1, 1, generator=g) + 0.5
    with torch.autocast('cpu', dtype=dtype):
        out = restyle(x, mean, std, unbiased=True)
        own_mean, own_std = style_statistics(out, unbiased=True)
    assert out.dtype == dtype
    expected = restyle(x.float(), mean, std, unbiased=True)
    resolution = torch.finfo(dtype).eps  # 2^-10 (float16), 2^-7 (bfloat16)
    assert (out.float() - expected).abs().max() <= 2 * resolution * expected.abs().max()
    torch.testing.assert_close(own_mean, mean, rtol=0, atol=4 * resolution)
    torch.testing.assert_close(own_std, std, rtol=4 * resolution, atol=0)


def test_style_statistics_refuse_a_tensor_that_is_not_4d():
    with pytest.raises(ValueError, match=r'needs an \(N, C, H, W\) feature map, got shape \(2, 3, 4\)'):
        style_statistics(torch.zeros(2, 3, 4))
