"""slim-mmseg: SLIM with adversarial augmentation and adversarial training on the OpenMMLab stack.

``slim_mmseg.core``, ``slim_mmseg.attacks`` and ``slim_mmseg.analysis`` hold the algorithms and
depend on torch alone: importing them (or this package) imports no OpenMMLab code. The OpenMMLab
adapters register in mmseg's registries when :mod:`slim_mmseg.openmmlab` is imported, which configs
do through ``custom_imports=dict(imports=['slim_mmseg.openmmlab'])``.
"""

__version__ = '0.1.0'
