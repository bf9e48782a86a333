"""AdversarialTraining's ``slim.layers='all'``: resolved at build time and logged, drawn by the attack."""
import torch

import slim_mmseg.openmmlab  # noqa: F401  (registration)
from mmseg.registry import MODELS
from tiny_classifier import classifier_cfg


def build(slim):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='AdversarialTraining',
        model=classifier_cfg(normalise=False),
        objective=dict(type='PGDAT'), attack=dict(eps=8 / 255, step_size=2 / 255, steps=2), slim=slim, seed=0))


def test_layers_all_resolve_at_build_time_are_logged_and_drawn(monkeypatch):
    import slim_mmseg.models.adversarial_wrapper as module
    logged = []
    monkeypatch.setattr(module, 'print_log', lambda message, logger=None: logged.append(message))
    model = build(dict(layers='all', lambda_range=(1.0, 1.0), scale='balanced'))
    assert model.sampler.layers == ('backbone.bn1', 'backbone.layer1.0', 'backbone.layer2.0', 'backbone.layer3.0',
                                    'backbone.layer4.0', 'pool')
    assert len(logged) == 1 and logged[0].startswith("SLIM layers='all' resolved to 6 layers of ImageClassifier")
    result, draw = model.attack(torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(1)), torch.arange(4))
    assert draw.layer in model.sampler.layers and torch.isfinite(result.inputs).all()
    assert build(dict(layers=['backbone.layer1'])).sampler.layers == ('backbone.layer1', )
