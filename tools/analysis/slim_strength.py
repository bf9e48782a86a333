"""SLIM's strength: how large the SLIM term's gradient is next to the task loss's in a training
ascent, per candidate layer, dictionary loss, weight and scale.

    python tools/analysis/slim_strength.py CONFIG [CHECKPOINT] [--scale mean paper balanced]
        [--weights -1 -0.5 0.5 1] [--layers backbone.layer1 ...] [--num-images 32] [--seed 0]
        [--device cuda] [--no-ascent] [--out DIR] [--cfg-options KEY=VALUE ...]

CONFIG is a training config of one of the three families SLIM acts in; without CHECKPOINT the
network is randomly initialised:

- ``AdversarialTraining`` (PGD-AT, TRADES, MART, PGD-CS; pixel PGD): the ascended tensor is
  ``x_adv``; each row also runs the whole training attack with the term and reports the share of
  ``x_adv``'s elements it changes beside the share a different random start changes (noise floor),
  and the attack's loss and accuracy;
- ``SLIMAdvStyle`` (AdvStyle-Zhong): the per-sample style statistics (a random start of
  ``DEFAULT_SLIM_RANDOM_START`` when the config has none: the term has no gradient at the clean
  statistics), with the attack's loss (and accuracy for classifiers);
- ``StyleAugmented`` with ASA (+ SLIM): ASA's control factors, per factor tensor (the factors are
  shared by the batch), with every ASA module forced into its AdvStyle branch for the measurement
  (the term reaches a factor only through an active module).

Candidate layers: ``--layers``, else the config's ``slim.layers`` (``'all'`` resolved), else its
``slim_stages`` variable, else every intermediate layer. The batch is the first ``--num-images``
of the config's training loader (unshuffled; its own augmentation seeded by ``--seed``). Writes
``slim_strength.json`` and ``slim_strength.md`` (the printed table) to ``--out``
(default ``work_dirs/analysis/slim_strength``). See ``slim_mmseg.analysis.slim_strength``.
"""
import argparse
import json
import os
import os.path as osp
import sys
from contextlib import ExitStack

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

import torch  # noqa: E402
from mmengine.config import DictAction  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner, set_random_seed  # noqa: E402

from model_loading import CostClock, checkpoint_state, load_weights, network_weights  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402
from slim_mmseg.analysis.slim_strength import (WEIGHTS, AscentSetting, ascent_strength,  # noqa: E402
                                               control_factor_strength, fixed_draw, gradients, seeded)
from slim_mmseg.core import SLIMTerm, StyleStatisticsPerturbation, capture_output, recording_statistics  # noqa: E402
from slim_mmseg.core.adversarial_style import DEFAULT_SLIM_RANDOM_START  # noqa: E402
from slim_mmseg.core.batchnorm import batchnorm_statistics_frozen  # noqa: E402
from slim_mmseg.core.layer_candidates import resolve_slim_layers  # noqa: E402
from slim_mmseg.core.slim_term import SLIM_SCALES  # noqa: E402
from slim_mmseg.core.style_modules.asa import ADVSTYLE, BRANCHES  # noqa: E402
from slim_mmseg.engine.cli_config import load_cli_config  # noqa: E402
from slim_mmseg.engine.device_option import add_device_argument  # noqa: E402
from slim_mmseg.models.adversarial_training import ATTACK_NORM_MODE  # noqa: E402

TOOL = 'slim_strength'
DEFAULT_LOSSES = ('mse', 'ortho', 'reverse')
FAMILIES = ('AdversarialTraining', 'SLIMAdvStyle', 'StyleAugmented')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?', help='trained weights (default: random initialisation)')
    parser.add_argument('--scale', nargs='+', default=list(SLIM_SCALES), choices=SLIM_SCALES)
    parser.add_argument('--weights', type=float, nargs='+', default=list(WEIGHTS), help='lambda values')
    parser.add_argument('--layers', nargs='+', help="candidate layers (default: the config's; 'all' allowed)")
    parser.add_argument('--losses', nargs='+', help="dictionary losses (default: the config's, else all three)")
    parser.add_argument('--num-images', type=int, default=32)
    parser.add_argument('--seed', type=int, default=0, help='random start (and data order); seed + 1 is the '
                        'noise floor\'s other start')
    add_device_argument(parser)
    parser.add_argument('--no-ascent', action='store_true', help='gradients at the start only (no full attacks)')
    parser.add_argument('--out', help=f'output folder (default: work_dirs/analysis/{TOOL})')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    return parser.parse_args(argv)


def build(cfg, checkpoint, device):
    family = cfg.model.get('type')
    if family not in FAMILIES:
        raise SystemExit(f'{TOOL} measures SLIM in {", ".join(FAMILIES)} configs; this config builds '
                         f'{family!r}')
    wrapper = MODELS.build(cfg.model)
    if checkpoint:
        load_weights(wrapper.model, network_weights(checkpoint_state(checkpoint)), cfg.filename, checkpoint)
    return family, wrapper.to(device)


def first_batch(cfg, wrapper, num_images, seed, device):
    loader = Runner.build_dataloader(dict(cfg.train_dataloader, batch_size=num_images, num_workers=0,
                                          persistent_workers=False, sampler=dict(type='DefaultSampler',
                                                                                 shuffle=False)), seed=seed)
    data = wrapper.data_preprocessor(next(iter(loader)), True)
    inputs, samples = data['inputs'].to(device), data['data_samples']
    labels = (torch.stack([s.gt_label.reshape(()) for s in samples]).to(device)
              if 'gt_label' in samples[0] else None)
    return inputs, samples, labels


def candidate_layers(args, cfg, network):
    """``(layers, losses)``: the command line's, else the config's SLIM settings (``slim.layers`` or
    StyleAugmented's ``slim_layers``; else the ``slim_stages`` variable of the AT model files), else
    every intermediate layer and the three losses."""
    slim = cfg.model.get('slim') or cfg.get('slim_stages') or {}
    layers = args.layers or slim.get('layers') or cfg.model.get('slim_layers') or 'all'
    if isinstance(layers, (list, tuple)) and list(layers) == ['all']:
        layers = 'all'
    return resolve_slim_layers(network, layers, log=print), tuple(args.losses or slim.get('losses') or DEFAULT_LOSSES)


def pixel_setting(wrapper, inputs, labels):
    """The AdversarialTraining wrapper's training attack (its objective, eval-mode ascent)."""
    network, objective = wrapper.model, wrapper.objective
    network.eval()  # the attack's normalisation mode, ATTACK_NORM_MODE
    feature_layer = objective.attack_uses_clean_feature
    module = network.get_submodule(feature_layer) if feature_layer else None
    with torch.no_grad(), capture_output(module, detach=True) as clean_feature:
        clean_logits = network(inputs, mode='tensor')

    def task_loss(adversarial):
        with capture_output(module) as feature:
            logits = network(adversarial, mode='tensor')
        extra = dict(clean_feature=clean_feature.feature, adversarial_feature=feature.feature) if module else {}
        return objective.attack_loss(logits, labels, clean_logits, **extra)

    return AscentSetting(network, inputs, wrapper.perturbation, task_loss, wrapper.steps, wrapper.step_size,
                         ATTACK_NORM_MODE, clean_forward=lambda x: network(x, mode='tensor'),
                         predict=lambda x: network(x, mode='tensor'), labels=labels, pixel=True)


def style_setting(wrapper, inputs, samples, labels):
    """SLIMAdvStyle's adversary on the style statistics (network in training mode, as in a step)."""
    network, adversary = wrapper.model, wrapper.adversary
    network.train()
    with torch.no_grad(), batchnorm_statistics_frozen(network), \
            recording_statistics(network, inputs, adversary.positions, adversary.eps) as statistics:
        network(inputs, samples, mode='tensor')
    start = adversary.random_start or DEFAULT_SLIM_RANDOM_START
    perturbation = StyleStatisticsPerturbation(statistics, start, adversary.eps, adversary.rule)

    def task_loss(styled):
        return wrapper.parse_losses(network(styled, samples, mode='loss'))[0]

    classifier = labels is not None
    return AscentSetting(network, inputs, perturbation, task_loss, adversary.steps, adversary.step_size,
                         adversary.norm_mode, clean_forward=lambda x: network(x, samples, mode='tensor'),
                         predict=(lambda x: network(x, mode='tensor')) if classifier else None, labels=labels)


def control_factor_records(wrapper, inputs, samples, layers, losses, scales, weights, seed):
    """ASA + SLIM: per layer, one training forward with every ASA module in its AdvStyle branch."""
    if wrapper.slim is None:
        raise SystemExit(f'{TOOL} on StyleAugmented needs an ASA + SLIM config (slim=dict(...)): SLIM '
                         'acts on ASA\'s control factors through the configured (probed) SLIM layers')
    network, control = wrapper.model, wrapper.slim
    unprobed = [layer for layer in layers if layer not in control.sampler.layers]
    if unprobed:
        raise SystemExit(f'{TOOL}: ASA + SLIM can measure its configured SLIM layers only (the augmentation '
                         f'probes their order at build time): {unprobed} not in {list(control.sampler.layers)}')
    network.train()
    factors = control.all_factors()
    forced = tuple(1.0 if branch == ADVSTYLE else 0.0 for branch in BRANCHES)
    records = []
    with ExitStack() as stack:
        for _, module in wrapper.augmentation.items():
            previous = module.branch_probabilities
            module.branch_probabilities = forced
            stack.callback(setattr, module, 'branch_probabilities', previous)
        for layer_index, layer in enumerate(layers):
            with seeded(seed, inputs.device):
                clean = control.clean_reference(layer, lambda: network(inputs, samples, mode='tensor'))
                with control.adversarial_capture(layer) as record:
                    task = wrapper.parse_losses(network(inputs, samples, mode='loss'))[0]
            task_grads = gradients(task, factors, retain=True)
            for loss_index, loss in enumerate(losses):
                for scale in scales:
                    term = SLIMTerm(fixed_draw(layer, layer_index, losses, loss_index, 1.0, inputs.shape[0]),
                                    clean, scale=scale)
                    dict_grads = gradients(term.per_sample(record.feature).mean(), factors, retain=True)
                    for weight in weights:
                        records.append(dict(layer=layer, loss=loss, scale=scale, weight=float(weight),
                                            **control_factor_strength(task_grads, dict_grads, weight, scale)))
    return dict(task_only={}, records=records, factors=len(factors))


def table(result, family):
    pixel = family == 'AdversarialTraining'
    columns = ['layer', 'loss', 'scale', 'lambda', 'median ratio', 'signs flipped (%)']
    if pixel:
        columns += ['x_adv changed (%)', 'noise floor (%)']
    if family != 'StyleAugmented':
        columns += ['attack loss', 'attack acc. (%)']
    lines = ['| ' + ' | '.join(columns) + ' |', '|' + '---|' * len(columns)]
    task_only = result['task_only']
    for r in result['records']:
        cells = [r['layer'], r['loss'], r['scale'], f'{r["weight"]:+g}', f'{r["median_ratio"]:.4g}',
                 f'{100 * r["sign_flip_share"]:.1f}']
        if pixel:
            cells += [_pct(r.get('x_adv_changed')), _pct(task_only.get('noise_floor_changed'))]
        if family != 'StyleAugmented':
            cells += [_num(r.get('attack_loss')), _pct(r.get('attack_accuracy'))]
        lines.append('| ' + ' | '.join(cells) + ' |')
    if task_only:
        lines.append(f'task-only attack: loss {_num(task_only.get("attack_loss"))}, accuracy '
                     f'{_pct(task_only.get("attack_accuracy"))} %'
                     + (f', another random start changes {_pct(task_only["noise_floor_changed"])} % of x_adv'
                        if 'noise_floor_changed' in task_only else ''))
    return lines


def _pct(value):
    return '-' if value is None else f'{100 * value:.1f}'


def _num(value):
    return '-' if value is None else f'{value:.4g}'


def main(argv=None):
    args = parse_args(argv)
    init_default_scope('mmseg')
    cfg = load_cli_config(args.config, 'none', args.cfg_options, None)
    set_random_seed(args.seed)
    clock = CostClock()
    with clock.measure(osp.basename(args.config)):
        family, wrapper = build(cfg, args.checkpoint, args.device)
        inputs, samples, labels = first_batch(cfg, wrapper, args.num_images, args.seed, args.device)
        layers, losses = candidate_layers(args, cfg, wrapper.model)
        if family == 'StyleAugmented':
            result = control_factor_records(wrapper, inputs, samples, layers, losses, args.scale, args.weights,
                                            args.seed)
        else:
            setting = (pixel_setting(wrapper, inputs, labels) if family == 'AdversarialTraining'
                       else style_setting(wrapper, inputs, samples, labels))
            result = ascent_strength(setting, layers, losses, args.scale, args.weights, seed=args.seed,
                                     noise_seed=args.seed + 1, full_ascent=not args.no_ascent)
    lines = table(result, family)
    directory = args.out or osp.join('work_dirs', 'analysis', TOOL)
    os.makedirs(directory, exist_ok=True)
    payload = dict(tool=TOOL, config=args.config, checkpoint=args.checkpoint or 'random initialisation',
                   family=family, images=int(inputs.shape[0]), seed=args.seed, layers=list(layers),
                   losses=list(losses), scales=list(args.scale), weights=list(args.weights), **result,
                   cpu_seconds=clock.seconds)
    json_path, md_path = osp.join(directory, f'{TOOL}.json'), osp.join(directory, f'{TOOL}.md')
    with open(json_path, 'w') as out:
        json.dump(payload, out, indent=2)
    header = (f'SLIM strength of {args.config} ({payload["checkpoint"]}), {family}, {payload["images"]} images, '
              f'seed {args.seed}')
    with open(md_path, 'w') as out:
        out.write('\n'.join([header, ''] + lines) + '\n')
    print(header)
    for line in lines:
        print(line)
    print(clock.summary())
    print(f'wrote {json_path} and {md_path}')


if __name__ == '__main__':
    main()
