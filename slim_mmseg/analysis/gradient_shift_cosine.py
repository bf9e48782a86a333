"""Cosine between the loss gradient at a layer and the feature shift there (the SLIM paper's Fig. 4).

The paper plots this quantity without a formula. **Our definition** (not the paper's words): for
layer ``l``, clean input ``x``, adversarial input ``x_adv`` and label ``y``,

    delta_l = f_l(x_adv) - f_l(x)                              (the feature shift)
    g_l     = d CE(f(x_adv), y) / d f_l(x_adv)                 (the loss gradient at the layer)
    c_l     = mean over samples of cos(g_l, delta_l)           (each flattened per sample)

with the whole model in evaluation mode. ``c_l`` near 1 means the adversary moved layer ``l`` along
the direction that increases the loss most at that layer (the attack "fits" the loss gradient
there); SLIM's claim (Fig. 4) is that its adversaries keep this alignment lower for longer, over
the attack's iterations and over training. Follow it over iterations with the iterates of
:class:`.perturbation_sources.PixelAttack` and over training by running it on several checkpoints.
For a segmentor the cross-entropy is averaged over labelled pixels (ignore index 255).
"""
from typing import Dict, Sequence

import torch
from torch import Tensor, nn

from slim_mmseg.core import evaluation_mode

from .layer_features import check_layers, cosine_per_sample, layer_features, recording_layers
from .prediction_metrics import mean_cross_entropy


def gradient_shift_cosine(model: nn.Module, images: Tensor, labels: Tensor, adversarial_images: Tensor,
                          layers: Sequence[str]) -> Dict[str, float]:
    """``{layer: c_l}`` (see the module docstring) for one batch; each value in [-1, 1]."""
    check_layers(model, layers)
    if adversarial_images.shape != images.shape:
        raise ValueError(f'adversarial images {tuple(adversarial_images.shape)} do not match the clean '
                         f'images {tuple(images.shape)}')
    with evaluation_mode(model):
        clean = layer_features(model, images, layers)
        with torch.enable_grad(), recording_layers(model, layers, detach=False) as adversarial:
            loss = mean_cross_entropy(model(adversarial_images.detach()), labels)
        outputs = [adversarial[layer] for layer in layers]
        if not all(output.requires_grad for output in outputs):
            raise ValueError('a layer output is not in the graph of the loss: the gradient-shift cosine needs '
                             'layers whose output is a single tensor feeding the logits')
        gradients = torch.autograd.grad(loss, outputs, allow_unused=True)
    result = {}
    for layer, output, gradient in zip(layers, outputs, gradients):
        if gradient is None:
            raise ValueError(f'layer {layer!r} does not influence the loss (no gradient reaches it)')
        shift = output.detach().flatten(1) - clean[layer]
        result[layer] = float(cosine_per_sample(gradient.flatten(1), shift).mean())
    return result
