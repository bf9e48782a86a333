"""mmseg's inference API (init_model, inference_model, MMSegInferencer) on every segmentation
config we ship, with checkpoints of every method, and without fetching any pretrained weights."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmseg.apis import MMSegInferencer, inference_model, init_model
from PIL import Image

import slim_mmseg.openmmlab  # noqa: F401
from slim_mmseg.datasets.cityscapes_labels import TRAIN_CLASSES, TRAIN_PALETTE
from slim_mmseg.synthstreets import render_sample

CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
# Discovered, so that every method config added to these folders is covered.
SEG_CONFIGS = sorted(p for folder in ('demo', 'gta5_dg') for p in (CONFIGS / folder).rglob('*.py'))
DEMO_CONFIGS = [p for p in SEG_CONFIGS if 'demo' in p.relative_to(CONFIGS).parts]
# One config per method (the ablations vary hyper-parameters of these).
METHOD_CONFIGS = [p for p in DEMO_CONFIGS if p.parent.name == 'demo']
DATASET_META = dict(classes=TRAIN_CLASSES, palette=[list(c) for c in TRAIN_PALETTE])


def config_id(path):
    return str(path.relative_to(CONFIGS))


@pytest.fixture
def no_downloads(monkeypatch, tmp_path):
    """Any attempt to fetch weights fails the test; the hub cache is an empty folder."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))

    def refuse(*args, **kwargs):
        raise AssertionError(f'a download was attempted: {args}')

    monkeypatch.setattr(torch.hub, 'download_url_to_file', refuse)
    monkeypatch.setattr(torch.hub, 'load_state_dict_from_url', refuse)
    yield
    assert not (tmp_path / 'torch_home').exists()


def write_checkpoint(model, path):
    """What the Runner saves, as far as inference reads it: weights and the dataset's metainfo."""
    torch.save(dict(state_dict=model.state_dict(), meta=dict(dataset_meta=DATASET_META)), path)


def test_discovery_finds_every_method_folder():
    names = {config_id(p) for p in SEG_CONFIGS}
    assert 'demo/erm_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py' in names
    assert 'demo/advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py' in names
    assert any(n.startswith('gta5_dg/erm_deeplabv2') for n in names)
    assert any(n.startswith('demo/ablations/') for n in names)


@pytest.mark.parametrize('config', SEG_CONFIGS, ids=config_id)
def test_every_seg_config_defines_the_pipelines_inference_reads(config):
    cfg = Config.fromfile(str(config))
    types = [t['type'] for t in cfg.test_pipeline]
    # inference_model reads test_pipeline; MMSegInferencer test_dataloader.dataset.pipeline
    assert types[0] == 'LoadImageFromFile' and 'LoadAnnotations' in types
    assert cfg.test_dataloader.dataset.pipeline == cfg.test_pipeline


# Building ResNet-50/101 models costs seconds each on a CPU: the GTA5 configs run with -m slow.
@pytest.mark.parametrize('config', [
    pytest.param(p, marks=[] if p in DEMO_CONFIGS else [pytest.mark.slow]) for p in SEG_CONFIGS], ids=config_id)
def test_init_model_and_inference_model_on_every_seg_config(config, no_downloads):
    model = init_model(str(config), None, device='cpu')
    image = np.random.default_rng(0).integers(0, 255, (48, 80, 3), dtype=np.uint8)

    result = inference_model(model, image)

    assert result.pred_sem_seg.data.shape == (1, 48, 80)
    assert result.seg_logits.data.shape[0] == 19


@pytest.mark.parametrize('config', METHOD_CONFIGS, ids=config_id)
def test_checkpoint_of_each_demo_method_through_both_apis(config, tmp_path, no_downloads):
    torch.manual_seed(0)
    trained = init_model(str(config), None, device='cpu')
    checkpoint = tmp_path / 'model.pth'
    write_checkpoint(trained, checkpoint)
    image, _ = render_sample(0, 'overcast', 'val', 0)
    image_file = tmp_path / 'street.png'
    Image.fromarray(image).save(image_file)

    model = init_model(str(config), str(checkpoint), device='cpu')
    result = inference_model(model, str(image_file))
    inferencer = MMSegInferencer(str(config), str(checkpoint), device='cpu')
    output = inferencer(str(image_file), return_vis=True)

    for name, value in trained.state_dict().items():
        assert torch.equal(model.state_dict()[name], value), name
    assert model.dataset_meta['classes'] == TRAIN_CLASSES
    prediction = result.pred_sem_seg.data[0].numpy()
    assert prediction.shape == image.shape[:2]
    np.testing.assert_array_equal(output['predictions'], prediction)
    assert output['visualization'].shape == image.shape
    # the overlay is painted: it differs from the image itself
    assert np.abs(output['visualization'].astype(int) - image).mean() > 1
