"""feature_until: the named module's output, and nothing after it runs."""
import pytest
import torch
from tiny_segmenter import tiny_batch, tiny_model

from slim_mmseg.core.partial_forward import feature_until


def test_returns_the_modules_detached_output_and_stops_the_forward_there():
    model = tiny_model().eval()
    images, _ = tiny_batch()
    later = []
    model.backbone.layer2.register_forward_hook(lambda *_: later.append(1))
    model.head.register_forward_hook(lambda *_: later.append(1))
    feature = feature_until(model.backbone.layer1, lambda: model(images.requires_grad_()))
    assert later == [] and not feature.requires_grad
    with torch.no_grad():
        torch.testing.assert_close(feature, model.backbone.layer1(model.backbone.stem(images)), rtol=0, atol=0)
    assert not model.backbone.layer1._forward_hooks  # its hook is removed


def test_a_module_that_does_not_run_is_an_error_naming_it():
    model = tiny_model()
    images, _ = tiny_batch()
    with pytest.raises(RuntimeError, match="SLIM layer 'head' did not run"):
        feature_until(model.head, lambda: model.backbone(images), "SLIM layer 'head'")
