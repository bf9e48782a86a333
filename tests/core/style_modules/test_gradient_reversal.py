import pytest
import torch

from slim_mmseg.core.style_modules import reverse_gradient


def test_identity_forward_and_scaled_reversed_backward():
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = reverse_gradient(x, 10.0)
    assert torch.equal(y, x)
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert torch.equal(x.grad, torch.tensor([-10.0, -20.0, -30.0]))


def test_negative_weight_is_refused():
    with pytest.raises(ValueError, match='>= 0'):
        reverse_gradient(torch.ones(1, requires_grad=True), -1.0)
