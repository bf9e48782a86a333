"""Importing this module registers every OpenMMLab adapter (models, datasets, metrics, hooks,
transforms) in mmseg's registries and installs the checkpoint allow-list.

Configs reach it with ``custom_imports = dict(imports=['slim_mmseg.openmmlab'])``.
"""
from . import datasets, engine, evaluation, models  # noqa: F401  (registration side effects)
