"""The low-frequency part of an image under a one-level 2-D Haar wavelet transform.

SSAH (Luo et al., CVPR 2022) constrains ``IDWT(LL(DWT(x)))``, the image rebuilt from the Haar
approximation band alone (``attack/DWT.py``: ``DWT_2D_tiny`` then ``IDWT_2D_tiny``, wavelet
'haar'). For the Haar wavelet that image has a closed form: each 2x2 block is replaced by its mean
(LL = (a + b + c + d) / 2, and the inverse transform spreads LL / 2 over the block), so no wavelet
library is needed. Odd heights or widths are padded by repeating the last row / column, and the
result is cropped back.
"""
import torch.nn.functional as F
from torch import Tensor


def haar_low_frequency(images: Tensor) -> Tensor:
    """(N, C, H, W) -> (N, C, H, W): every 2x2 block set to its mean; differentiable."""
    if images.dim() != 4:
        raise ValueError(f'haar_low_frequency expects (N, C, H, W) images, got shape {tuple(images.shape)}')
    height, width = images.shape[-2:]
    padded = F.pad(images, (0, width % 2, 0, height % 2), mode='replicate')
    blocks = F.avg_pool2d(padded, kernel_size=2)
    return blocks.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)[..., :height, :width]
