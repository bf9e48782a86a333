"""tools/analysis/model_loading.py: the shared command line, checkpoint checks and pixel-space model."""
import argparse

import pytest
import torch
from analysis_cli_helpers import load_tool

loading = load_tool('model_loading')


def pairs(*paths, labels=None):
    return loading.model_pairs(argparse.Namespace(models=list(paths), labels=labels))


def test_config_checkpoint_pairs_and_labels():
    assert pairs('a/erm.py', 'e.pth', 'b/slim.py', 's.pth') == [('a/erm.py', 'e.pth', 'erm'), ('b/slim.py', 's.pth', 'slim')]
    assert pairs('a/erm.py', 'e.pth', labels=['ERM']) == [('a/erm.py', 'e.pth', 'ERM')]
    with pytest.raises(SystemExit, match='CONFIG CHECKPOINT pairs'):
        pairs('a/erm.py', 'e.pth', 'b/slim.py')
    with pytest.raises(SystemExit, match='not a config'):
        pairs('e.pth', 'a/erm.py')
    with pytest.raises(SystemExit, match='one label per model'):
        pairs('a/erm.py', 'e.pth', labels=['x', 'y'])


def test_checkpoint_of_another_config_names_the_mismatched_keys(digits_classifier, tiny_segmentor):
    with pytest.raises(ValueError, match=r'another config.*missing keys: backbone\.conv1\.weight.*'
                                         r'unexpected keys: backbone\.stem'):
        loading.load_model(digits_classifier.config, tiny_segmentor.checkpoint, 'x')


def test_pixel_space_model_normalises_inside_and_keeps_the_config_names(digits_classifier):
    loaded = loading.load_model(digits_classifier.config, digits_classifier.checkpoint, 'erm')
    batches = loading.labelled_batches(loaded, 'test', 8, 8, 0, 'source')
    images, labels = batches[0]
    assert images.min() >= 0 and images.max() <= 1 and labels.shape == (8,)
    network = loaded.model.wrapped
    with torch.no_grad():
        expected = network((images * 255 - 127.5) / 127.5, mode='tensor')
        assert torch.allclose(loaded.model(images), expected, atol=1e-5)
    assert loaded.model.get_submodule('backbone.layer1') is network.backbone.layer1
    assert loaded.num_classes == 10
    loaded.model.train()
    assert network.training and network.backbone.training


def test_segmentor_training_images_come_without_augmentation(tiny_segmentor):
    loaded = loading.load_model(tiny_segmentor.config, tiny_segmentor.checkpoint, 'fcn')
    first = loading.labelled_batches(loaded, 'train', 3, 2, 0, None)
    again = loading.labelled_batches(loaded, 'train', 3, 2, 1, None)
    assert [tuple(b[1].shape) for b in first] == [(2, 32, 32), (1, 32, 32)]
    assert all(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) for a, b in zip(first, again))
    assert loaded.model.is_segmentor and loaded.num_classes == 3
    assert loaded.model(first[0][0]).shape == (2, 3, 32, 32)  # logits at the input resolution
