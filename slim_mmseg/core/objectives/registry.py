"""Objectives by name, for configs: ``objective=dict(type='TRADES', beta=6.0)``."""
from typing import Dict, Type

from .base import AdversarialObjective
from .mart import MART
from .pgd_at import PGDAT
from .pgd_cs import PGDCS
from .trades import TRADES

OBJECTIVES: Dict[str, Type[AdversarialObjective]] = {'PGDAT': PGDAT, 'TRADES': TRADES, 'MART': MART,
                                                     'PGDCS': PGDCS}


def build_objective(config: dict) -> AdversarialObjective:
    """``config['type']`` names the objective; the other keys are its arguments."""
    config = dict(config)
    name = config.pop('type', None)
    if name not in OBJECTIVES:
        raise ValueError(f'unknown adversarial-training objective {name!r}; valid: {", ".join(OBJECTIVES)}')
    return OBJECTIVES[name](**config)
