"""SLIM's candidate layers: an explicit list, or ``'all'`` for every intermediate layer.

The paper draws ``l`` from "all layers, excluding the final layer". It does not list them, so
``layers='all'`` reads that sentence structurally, on the model the wrapper trains:

- the stem's output: the first of ``backbone.maxpool`` (ImageNet ResNets: what the first stage
  receives), ``backbone.stem`` (deep stems without max-pool), the first patch embedding (MiT:
  ``backbone.layers.0.0``), ``backbone.bn1`` (CIFAR post-activation ResNets, whose stem ReLU is
  functional), ``backbone.conv1`` (pre-activation ResNets and WRNs, whose stem is one convolution);
- every residual block's output: backbone modules whose class name ends in ``Block``,
  ``Bottleneck`` or ``EncoderLayer`` (mmseg's and our ResNets' blocks, MiT's transformer layers),
  outermost only; a backbone without residual blocks contributes its stages ``layer1``,
  ``layer2``, ... instead (the plain ``SmallConvNet``);
- the pooled feature where the model has one (a child named ``pool`` or ``neck``);
- for segmentors, the decode head's layers: its ``ConvModule``-like modules (class name ending in
  ``ConvModule``), outermost only, without the final classifier ``conv_seg``. The auxiliary head
  is left out: it does not run when the model predicts, which is when the ascent reads features.

The final layer (the classifier's ``head``, the decode head's ``conv_seg``) is never a candidate:
every dictionary loss on the logits would compete with the task loss on the same tensor.
"""
import re
from typing import Callable, List, Optional, Sequence, Tuple, Union

from torch import nn

from .module_lookup import resolve_module

ALL_LAYERS = 'all'
STEM_NAMES = ('maxpool', 'stem', '<patch embedding>', 'bn1', 'conv1')
BLOCK_CLASS = re.compile(r'(Block|Bottleneck|EncoderLayer)$')
STAGE_NAME = re.compile(r'layer\d+$')
DECODE_CLASS = re.compile(r'ConvModule$')
FINAL_LAYERS = ('conv_seg', )


def resolve_slim_layers(model: nn.Module, layers: Union[str, Sequence[str]],
                        log: Optional[Callable[[str], None]] = None) -> List[str]:
    """The SLIM candidate layers of ``model`` (the wrapped classifier or segmentor): ``layers``
    itself when it is a list (each name checked), or the expansion of ``'all'`` (see the module
    docstring), which is passed to ``log`` so that a run's log shows what was drawn from."""
    if isinstance(layers, str):
        if layers != ALL_LAYERS:
            raise ValueError(f"SLIM layers must be a list of module names or {ALL_LAYERS!r}, got {layers!r}")
        resolved = all_intermediate_layers(model)
        if log is not None:
            log(f'SLIM layers=\'all\' resolved to {len(resolved)} layers of {type(model).__name__}: '
                + ', '.join(resolved))
        return resolved
    resolved = list(layers)
    for name in resolved:
        resolve_module(model, name, role='SLIM layer')
    return resolved


def all_intermediate_layers(model: nn.Module) -> List[str]:
    """Stem, residual blocks (or stages), pooled feature and decode-head layers of ``model``, in
    forward order; a ``ValueError`` naming the model when none is found."""
    backbone_prefix = 'backbone' if isinstance(getattr(model, 'backbone', None), nn.Module) else ''
    backbone = model.get_submodule(backbone_prefix)
    names = [*_stem(backbone), *_blocks(backbone)]
    names = [_join(backbone_prefix, name) for name in names]
    names += [name for name in ('neck', 'pool') if isinstance(getattr(model, name, None), nn.Module)
              and not isinstance(getattr(model, 'decode_head', None), nn.Module)]
    decode_head = getattr(model, 'decode_head', None)
    if isinstance(decode_head, nn.Module):
        names += [_join('decode_head', name) for name in _outermost(decode_head, _is_decode_layer)]
    if not names:
        raise ValueError(f"SLIM layers='all' found no intermediate layer in {type(model).__name__} "
                         f"(no stem, residual block, stage 'layerN', pooled feature or decode-head "
                         f"ConvModule): list the layers explicitly, e.g. slim=dict(layers=['backbone.layer1'])")
    return names


def _stem(backbone: nn.Module) -> Tuple[str, ...]:
    for name in STEM_NAMES:
        if name == '<patch embedding>':
            found = [n for n, m in backbone.named_modules() if type(m).__name__.endswith('PatchEmbed')]
            if found:
                return (found[0], )
        elif isinstance(getattr(backbone, name, None), nn.Module):
            return (name, )
    return ()


def _blocks(backbone: nn.Module) -> List[str]:
    blocks = _outermost(backbone, lambda module: bool(BLOCK_CLASS.search(type(module).__name__)))
    if blocks:
        return blocks
    return [name for name, _ in backbone.named_children() if STAGE_NAME.match(name)]


def _is_decode_layer(module: nn.Module) -> bool:
    return bool(DECODE_CLASS.search(type(module).__name__))


def _outermost(root: nn.Module, matches: Callable[[nn.Module], bool]) -> List[str]:
    """Names (relative to ``root``) of the modules that match and have no matching ancestor, in
    registration order; the final layers are skipped."""
    found: List[str] = []
    for name, module in root.named_modules():
        if not name or name.split('.')[-1] in FINAL_LAYERS:
            continue
        if any(name.startswith(prefix + '.') for prefix in found):
            continue
        if matches(module):
            found.append(name)
    return found


def _join(prefix: str, name: str) -> str:
    return f'{prefix}.{name}' if prefix else name

