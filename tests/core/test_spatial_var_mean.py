"""spatial_var_mean: torch.var_mean over (H, W) in values, gradients and dtype, at a fraction of its CPU cost."""
import pytest
import torch

from slim_mmseg.core.style_statistics import spatial_var_mean


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


def test_keeps_the_input_dtype_under_autocast():
    x = torch.randn(2, 3, 4, 5)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        var, mean = spatial_var_mean(x.bfloat16(), 1)
    assert var.dtype == mean.dtype == torch.bfloat16
    expected_var, expected_mean = torch.var_mean(x, dim=(2, 3), keepdim=True)
    torch.testing.assert_close(var.float(), expected_var, rtol=2e-2, atol=1e-2)
    torch.testing.assert_close(mean.float(), expected_mean, rtol=2e-2, atol=1e-2)
