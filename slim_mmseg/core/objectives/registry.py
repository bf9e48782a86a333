"""Objectives by name, for configs: ``objective=dict(type='TRADES', beta=6.0)``."""
from ..registry import Registry
from .base import AdversarialObjective
from .mart import MART
from .pgd_at import PGDAT
from .trades import TRADES

OBJECTIVES = Registry('adversarial-training objective')
OBJECTIVES.register('PGDAT', PGDAT)
OBJECTIVES.register('TRADES', TRADES)
OBJECTIVES.register('MART', MART)


def build_objective(config: dict) -> AdversarialObjective:
    """``config['type']`` names the objective; the other keys are its arguments."""
    return OBJECTIVES.build(config)
