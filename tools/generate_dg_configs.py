"""Write the domain-generalisation configs: one setting file per data split and schedule, one method
file per method and model, and the short leaves that join them.

A leaf's name is ``{method}_{model}_{schedule}_{data}.py`` (mmseg's pattern): its bases are
``configs/_base_/methods/{method}_{model}.py`` (the wrapped model: ERM's bare model base, or the
``StyleAugmented`` / ``SLIMAdvStyle`` wrapper around it with the method's settings and the
backbone's positions) and ``configs/_base_/settings/{schedule}_{data}.py`` (data split, schedule,
runtime). What a setting needs from the inner model (the number of classes, a crop size) is the
leaf's one ``model = dict(...)`` line.

    python tools/generate_dg_configs.py           # (re)write every file below
    python tools/generate_dg_configs.py --check   # exit 1 and list the files that differ

Adding a baseline to every setting: its style module, a line in ``STYLE_METHODS`` and one in
``METHODS`` below, then run this script (docs/new_method.md).
"""
import argparse
import sys
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

CONFIGS = Path(__file__).resolve().parents[1] / 'configs'

# Method spelling in file names -> what the method file (configs/_base_/methods/<file>.py) holds.
# StyleAugmented methods: (settings file, key of the positions dict, with SLIM).
STYLE_METHODS = {
    'asa': ('asa', 'ASA', False),
    'asa-slim': ('asa-slim', 'ASA', True),
    'mixstyle': ('mixstyle', 'MixStyle', False),
    'dsu': ('dsu', 'DSU', False),
    'padain': ('padain', 'pAdaIN', False),
}
ZHONG_METHODS = ('advstyle-zhong', 'advstyle-zhong-slim')
METHODS = ('erm', *STYLE_METHODS, *ZHONG_METHODS)
METHOD_NAMES = {'erm': 'ERM', 'asa': 'ASA', 'asa-slim': 'ASA + SLIM', 'mixstyle': 'MixStyle', 'dsu': 'DSU',
                'padain': 'pAdaIN', 'advstyle-zhong': 'AdvStyle-Zhong',
                'advstyle-zhong-slim': 'AdvStyle-Zhong + SLIM'}
SEG_SLIM = ("dict(_delete_=True, layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4'],\n"
            "                  losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0))")


class Model(NamedTuple):
    base: str                       # file under configs/_base_/models/
    placement: str                  # file under configs/_base_/methods/
    zhong: Optional[Tuple[List[str], str]] = None   # image-level Zhong: (bases, text after the wrap)


SEG_ZHONG_GTA5 = (['../models/{base}', './advstyle-zhong.py'], (
    "    adversary=dict(positions=['input'], steps=1, step_size=0.1, rule='sign'), slim=None)\n"
    "# SLIMAdvStyle's default step size, not a value from the paper; tune it on GTA5 val only.\n"
    "custom_hooks = [dict(type='PretrainedWeightsHook'),\n"
    "                dict(type='SLIMAdvStyleHook', log_interval=50, vis_interval=2000)]\n"))
SEG_ZHONG_DEMO = (['../models/{base}', '../slim_advstyle_runtime.py'], (
    "    # step_size is in units of the normalised image's channel statistics (std ~ 1); fixed a\n"
    "    # priori, not tuned on any target domain.\n"
    "    adversary=dict(positions=['input'], steps=1, step_size=0.2, rule='sign'), slim=None)\n"))
MODELS = {
    'resnet18': Model('resnet18_cls.py', 'placement_resnet_cls.py'),
    'resnet50': Model('resnet50_cls.py', 'placement_resnet_cls.py'),
    'wrn40-2': Model('wrn40_2_cls.py', 'placement_wrn.py'),
    'wrn16-1': Model('wrn16_1_cls.py', 'placement_wrn.py'),
    'deeplabv3_r18hw': Model('deeplabv3_r18hw.py', 'placement_resnetv1c_seg.py', SEG_ZHONG_DEMO),
    'deeplabv2_r101-d8': Model('deeplabv2_r101.py', 'placement_resnetv1c_seg.py', SEG_ZHONG_GTA5),
    'deeplabv3plus_r50-d16': Model('deeplabv3plus_r50.py', 'placement_resnetv1c_seg.py', SEG_ZHONG_GTA5),
    # torchvision's ResNet layout (conv1, maxpool, layer1-4), hence the classifiers' placement.
    'deeplabv2_r101-d8-frozen-bn': Model('deeplabv2_r101_frozen_bn.py', 'placement_resnet_cls.py'),
}


class Setting(NamedTuple):
    folder: str           # under configs/
    name: str             # {schedule}_{data}
    text: str             # the setting file's body
    models: Tuple[str, ...]
    methods: Tuple[str, ...]
    inner: str            # what the setting sets on the inner model (keyword arguments), or ''
    title: str


DOMAINBED = {  # folder: (dataset file, title, classes, domains)
    'pacs': ('pacs.py', 'PACS', 7, ['art_painting', 'cartoon', 'photo', 'sketch']),
    'vlcs': ('vlcs.py', 'VLCS', 5, ['Caltech101', 'LabelMe', 'SUN09', 'VOC2007']),
    'office_home': ('office_home.py', 'Office-Home', 65, ['Art', 'Clipart', 'Product', 'Real World']),
    'terra_incognita': ('terra_incognita.py', 'TerraIncognita', 10,
                        ['location_100', 'location_38', 'location_43', 'location_46']),
}
DOMAINBED_SPLIT = """train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
"""


def slug(text: str) -> str:
    return text.lower().replace(' ', '-').replace('_', '-')


def domainbed_settings() -> List[Setting]:
    settings = []
    for folder, (dataset, title, classes, domains) in DOMAINBED.items():
        protocols = ['lodo', 'single'] if folder == 'pacs' else ['lodo']
        for protocol in protocols:
            for domain in domains:
                others = [d for d in domains if d != domain]
                sources, targets = (others, [domain]) if protocol == 'lodo' else ([domain], others)
                what = (f'leave-one-domain-out, target {domain}: train on the other domains\' train splits, '
                        'select on their crossval splits, test on every target image' if protocol == 'lodo' else
                        f'single-source, source {domain}: train on its train split, select on its crossval '
                        'split, test on every image of the other domains')
                text = (f"# {title} {what}.\n"
                        f"_base_ = ['../datasets/{dataset}', '../schedules/pacs_adam_120e.py', "
                        "'../domainbed_runtime.py']\n"
                        f"sources = {sources!r}\ntargets = {targets!r}\n" + DOMAINBED_SPLIT)
                models = ('resnet18', 'resnet50') if protocol == 'lodo' else ('resnet18',)
                settings.append(Setting(
                    folder, f'1xb64-120e_{slug(folder)}-{protocol}-{slug(domain)}', text, models, METHODS,
                    f'num_classes={classes}',
                    f'{title} {"leave-one-domain-out, target" if protocol == "lodo" else "single-source,"} '
                    f'{"source " if protocol == "single" else ""}{domain}'))
    return settings


def other_settings() -> List[Setting]:
    cifar_hooks = "default_hooks = dict(checkpoint=dict(interval=5, save_best=None))\n"
    seg_methods = ('erm', *STYLE_METHODS, *ZHONG_METHODS)
    return [
        Setting('cifar10c', '1xb128-100e_cifar10c', (
            "# CIFAR-10-C with AugMix's standard recipe (SGD, batch 128, 100 epochs): train on CIFAR-10, test the\n"
            "# last checkpoint on CIFAR-10 test + the 15 corruptions x 5 severities.\n"
            "_base_ = ['../datasets/cifar10c.py', '../schedules/cifar_sgd_100e.py', '../cls_runtime.py']\n"
            + cifar_hooks), ('wrn40-2',), METHODS, '', 'CIFAR-10-C (AugMix recipe)'),
        Setting('cifar10c', '1xb64-120e_cifar10c', (
            "# CIFAR-10-C with the SLIM paper's recipe (its section 5: Adam 2e-4, batch 64, cosine, 120\n"
            "# epochs, the PACS schedule); data and evaluation as in 1xb128-100e_cifar10c.py.\n"
            "_base_ = ['../datasets/cifar10c.py', '../schedules/pacs_adam_120e.py', '../cls_runtime.py']\n"
            "train_dataloader = dict(batch_size=64)\ntrain_cfg = dict(val_interval=5)\n" + cifar_hooks),
            ('wrn40-2',), METHODS, '', 'CIFAR-10-C (the paper\'s recipe)'),
        Setting('digits_demo', '1xb64-20e_digits-style-shift', (
            "# Embedded digits demo: trained on the source digits (light on black), tested on the\n"
            "# style-shifted held-out digits; small enough to train in minutes on a CPU.\n"
            "_base_ = ['../datasets/digits_style_shift.py', '../cls_runtime.py']\n"
            "optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))\n"
            "param_scheduler = [\n"
            "    dict(type='CosineAnnealingLR', T_max=20, by_epoch=True, convert_to_iter_based=True)\n"
            "]\n"
            "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=5)\n"
            "val_cfg = dict(type='ValLoop')\ntest_cfg = dict(type='TestLoop')\n"
            "default_hooks = dict(\n    logger=dict(interval=10),\n"
            "    checkpoint=dict(interval=5, save_best='source_val_mean/accuracy', rule='greater'))\n"),
            ('wrn16-1',), METHODS, '', 'digits demo'),
        Setting('demo', '1xb4-500it_synthstreets-128x256', (
            "# SynthStreets CPU demo: trained on the GTA5-layout source, evaluated on source-val and the\n"
            "# style-shifted targets (overcast, foggy, dusk). Data: python tools/make_synthstreets.py\n"
            "_base_ = ['../datasets/synthstreets.py', '../default_runtime.py', '../schedules/demo_schedule.py']\n"
            "# Batches of rescaled crops smaller than crop_size are padded to it (image 0, label 255).\n"
            "crop_size = (128, 256)\n"), ('deeplabv3_r18hw',), seg_methods, '', 'SynthStreets CPU demo'),
        Setting('gta5_dg', '4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_768x768', (
            "# GTA5 (train split) -> Cityscapes, BDD100K, Mapillary: RobustNet's protocol, 4 GPUs x 4 images,\n"
            "# 768x768 crops, 40k iterations, SGD 0.01 poly; GTA5 val selects checkpoints (sources: the\n"
            "# dataset and schedule bases).\n"
            "_base_ = ['../datasets/gta5_to_cityscapes_bdd100k_mapillary.py', '../default_runtime.py',\n"
            "          '../schedules/schedule_40k.py']\n"
            "crop_size = (768, 768)\n"
            "# GPU runs at a fixed crop: let cuDNN pick its fastest kernels.\n"
            "env_cfg = dict(cudnn_benchmark=True)\n"), ('deeplabv2_r101-d8', 'deeplabv3plus_r50-d16'),
            seg_methods, 'data_preprocessor=dict(size=(768, 768))',
            'GTA5 -> Cityscapes/BDD100K/Mapillary (RobustNet protocol)'),
        Setting('gta5_dg/dsu_protocol', '4xb2-20k_gta5-1280x720-to-cityscapes-1024x512', (
            "# DSU's GTA5 protocol (lixiaotong97/DSU semantic-segmentation/configs/deeplabv2_r101_src.yaml):\n"
            "# whole GTA5 frames at 1280x720, 4 GPUs x 2 images (batch 8), SGD 5e-4 (head x10), poly 0.9\n"
            "# over 31,250 iterations stopped at 20,000; the last checkpoint is tested on Cityscapes val at\n"
            "# 1024x512 (and BDD100K, Mapillary: ours). Deviations: the bases and docs/model_zoo.md.\n"
            "# On one GPU keep the batch of 8: --cfg-options train_dataloader.batch_size=8\n"
            "_base_ = ['../datasets/gta5_1280x720_to_cityscapes_1024x512.py', '../default_runtime.py',\n"
            "          '../schedules/schedule_20k_of_poly_31250.py']\n"
            "env_cfg = dict(cudnn_benchmark=True)\n"), ('deeplabv2_r101-d8-frozen-bn',), ('erm', *STYLE_METHODS),
            # Every training batch is 1280x720; the padding size only matters for odd-sized inputs.
            'data_preprocessor=dict(size=(720, 1280))',
            "DSU's GTA5 protocol"),
    ]


def method_file(method: str, model: str) -> Optional[str]:
    """The text of configs/_base_/methods/{method}_{model}.py (None for ERM: the bare model base)."""
    spec = MODELS[model]
    title = f'# {METHOD_NAMES[method]} on ../models/{spec.base}'
    if method in STYLE_METHODS:
        settings, key, slim = STYLE_METHODS[method]
        slim_args = ", slim={{_base_.slim}}, slim_layers={{_base_.slim_layers}}" if slim else ''
        return (f"{title} (method: ./{settings}.py; positions: ./{spec.placement}).\n"
                f"_base_ = ['../models/{spec.base}', './{settings}.py', './{spec.placement}']\n"
                "model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, "
                "augmentation={{_base_.augmentation}},\n"
                f"             positions={{{{_base_.positions.{key}}}}}{slim_args})\n")
    if method in ZHONG_METHODS and spec.zhong is None:
        slim = '{{_base_.zhong_slim}}' if method.endswith('-slim') else 'None'
        return (f"{title} (./advstyle-zhong.py; adversary and SLIM: ./{spec.placement}).\n"
                f"_base_ = ['../models/{spec.base}', './advstyle-zhong.py', './{spec.placement}']\n"
                "model = dict(_delete_=True, type='SLIMAdvStyle', model={{_base_.model}}, "
                f"adversary={{{{_base_.zhong_adversary}}}},\n             slim={slim})\n")
    if method == 'advstyle-zhong':
        bases, tail = spec.zhong
        bases = ', '.join(repr(b.format(base=spec.base)) for b in bases)
        return (f"{title}, image level.\n_base_ = [{bases}]\n"
                "model = dict(_delete_=True, type='SLIMAdvStyle', model={{_base_.model}},\n" + tail)
    if method == 'advstyle-zhong-slim':
        return (f"{title}: each ascent also draws a stage, a dictionary loss and lambda ~ U(-1, 1).\n"
                f"_base_ = ['./advstyle-zhong_{model}.py']\nmodel = dict(slim={SEG_SLIM})\n")
    return None


def leaf_file(method: str, model: str, setting: Setting) -> str:
    depth = setting.folder.count('/') + 1
    up = '../' * depth
    base = (f'{up}_base_/methods/{method}_{model}.py' if method != 'erm'
            else f'{up}_base_/models/{MODELS[model].base}')
    text = (f"# {setting.title}: {METHOD_NAMES[method]}, {model}.\n"
            f"_base_ = ['{up}_base_/settings/{setting.name}.py',\n          '{base}']\n")
    if setting.inner:  # ERM's model is the inner model; a method file's wraps it
        inner = setting.inner if method == 'erm' else f'model=dict({setting.inner})'
        text += f'model = dict({inner})\n'
    return text


ABLATIONS = {'no-mse': ['ortho', 'reverse'], 'no-ortho': ['mse', 'reverse'], 'no-reverse': ['mse', 'ortho']}


def ablation_file(leaf: str, method: str, drop: str) -> str:
    return (f"# Table 6: {METHOD_NAMES[method]} without the '{drop[3:]}' dictionary loss; all else as the full "
            "method.\n"
            f"_base_ = ['../{leaf}']\nmodel = dict(slim=dict(losses={ABLATIONS[drop]!r}))\n")


def expected_files() -> Dict[Path, str]:
    files = {}
    settings = domainbed_settings() + other_settings()
    for setting in settings:
        files[CONFIGS / '_base_' / 'settings' / f'{setting.name}.py'] = setting.text
        for model in setting.models:
            for method in setting.methods:
                text = method_file(method, model)
                if text is not None:
                    files[CONFIGS / '_base_' / 'methods' / f'{method}_{model}.py'] = text
                leaf = f'{method}_{model}_{setting.name}.py'
                files[CONFIGS / setting.folder / leaf] = leaf_file(method, model, setting)
                table6 = ((setting.folder == 'pacs' and model == 'resnet18'
                           and (method == 'asa-slim' or (method == 'advstyle-zhong-slim' and '-single-' in leaf)))
                          or (setting.folder == 'digits_demo' and method in ('asa-slim', 'advstyle-zhong-slim')))
                if table6:
                    for drop in ABLATIONS:
                        name = f'{method}-{drop}_{model}_{setting.name}.py'
                        files[CONFIGS / setting.folder / 'ablations' / name] = ablation_file(leaf, method, drop)
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--check', action='store_true', help='write nothing; exit 1 if a file differs')
    args = parser.parse_args(argv)
    files = expected_files()
    stale = sorted(str(p.relative_to(CONFIGS)) for p, text in files.items()
                   if not p.exists() or p.read_text() != text)
    if args.check:
        for name in stale:
            print(f'differs from the generator: configs/{name}')
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f'{len(files)} files, {len(stale)} written')
    return 0


if __name__ == '__main__':
    sys.exit(main())
