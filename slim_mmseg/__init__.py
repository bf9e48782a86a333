"""slim-mmseg: SLIM + adversarial style augmentation on the OpenMMLab stack.

``slim_mmseg.core`` holds the algorithm and depends on torch alone. Importing this package
registers the OpenMMLab adapters (models, datasets, metrics, hooks) in mmseg's registries, so that
configs reach them through ``custom_imports=dict(imports=['slim_mmseg'])``.
"""
from . import datasets, engine, evaluation, models  # noqa: F401  (registration side effects)

__version__ = '0.1.0'
