"""Robust accuracy of a checkpoint under several attacks, with one command.

    python tools/robust_test.py CONFIG CHECKPOINT [--attacks clean pgd20 autoattack lafeat ssa]
        [--eps 8/255] [--num-samples N] [--batch-size B] [--work-dir DIR] [--seed S]
        [--pgd-step-size 2/255] [--autoattack-version standard] [--lafeat-layers L ...]
        [--lafeat-steps 100] [--lafeat-train-samples 5000] [--lafeat-epochs 50]
        [--ssa-feature-layer pool] [--ssa-steps 150] [--ssa-batch-size B] [--cfg-options K=V ...]

Classifiers: the first N images of the config's test set (in order), attacked batch by batch; a
table of accuracy per attack (over all N), mean L-inf / L2 of the perturbations, and the worst
case over the attacks per sample; gradient-masking checks (slim_mmseg.attacks.checks) on the
first batch, as counted warnings. LAFEAT's heads are trained on the first
``--lafeat-train-samples`` training images, on the model's own predictions, and cached per
checkpoint in ``WORK_DIR/lafeat_heads/``. Segmentors: ``clean`` and ``pgd<n>`` through
``RobustTestLoop`` and the config's evaluator (mIoU per domain with ``MultiDomainIoUMetric``).

Written: ``WORK_DIR/robust_test_<timestamp>.json`` (settings, checkpoint SHA-256, summary,
per-sample correctness, check messages). The checkpoint is read with ``torch.load(weights_only=True)``
and the project's allow-list (slim_mmseg.engine.checkpoint_safety); its weights must match the
config's model exactly (mismatched keys are named).
"""
import argparse
import json
import os.path as osp
import sys
import time
from pathlib import Path

# This checkout's slim_mmseg, whatever the working directory.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
from mmengine.config import DictAction  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from mmseg.models.segmentors import BaseSegmentor  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402

import slim_mmseg.openmmlab  # noqa: E402,F401  (registers slim_mmseg's adapters, installs the allow-list)
from slim_mmseg.attacks import (ATTACKS, WORST_CASE, build_attack, default_lafeat_layers,  # noqa: E402
                                evaluate_attacks, file_sha256, format_table, load_or_train_heads, masking_checks,
                                parse_epsilon)
from slim_mmseg.engine import load_cli_config  # noqa: E402
from slim_mmseg.evaluation.robust_accuracy import SEGMENTATION_ATTACK  # noqa: E402
from slim_mmseg.models import network_of  # noqa: E402

GRADIENT_ATTACKS = ('pgd20', 'autoattack', 'lafeat')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Robust accuracy of a checkpoint under several attacks')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--attacks', nargs='+', default=['clean', 'pgd20', 'autoattack', 'lafeat', 'ssa'],
                        help=f'attack names: {", ".join(ATTACKS)} (segmentors: clean and pgd<n>)')
    parser.add_argument('--eps', default='8/255', help='L-inf budget in [0, 1] pixel units, e.g. 8/255 or 0.1')
    parser.add_argument('--num-samples', type=int, help='first N test images (default: all)')
    parser.add_argument('--batch-size', type=int, default=100, help='images per attacked batch')
    parser.add_argument('--work-dir', help='where the JSON record and the LAFEAT heads cache go')
    parser.add_argument('--seed', type=int, default=0, help='seed of PGD starts and AutoAttack')
    parser.add_argument('--pgd-step-size', default='2/255', help='PGD-20 step (TRADES\' script: 0.003)')
    parser.add_argument('--autoattack-version', default='standard', help='standard (default), plus or rand')
    parser.add_argument('--lafeat-layers', nargs='+', help='modules of the heads; the last one is attacked '
                        '(default for ResNet-18: backbone.layer3.1 backbone.layer4.0)')
    parser.add_argument('--lafeat-steps', type=int, default=100, help='iterations per beta (lafeat: 100)')
    parser.add_argument('--lafeat-train-samples', type=int, default=5000, help='training images for the heads')
    parser.add_argument('--lafeat-epochs', type=int, default=50, help='head training epochs (lafeat: 50)')
    parser.add_argument('--ssa-feature-layer', default='pool', help='module whose output is the SSA feature')
    parser.add_argument('--ssa-steps', type=int, default=150, help='Adam steps of SSA (reference: 150)')
    parser.add_argument('--ssa-batch-size', type=int, help='SSA batch (negatives come from the batch); '
                        'default: --batch-size')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    return parser.parse_args(argv)


def load_matching_checkpoint(model: torch.nn.Module, checkpoint: str) -> None:
    """Weights-only load (the project's allow-list); any key or shape mismatch is an error naming them."""
    state = torch.load(checkpoint, map_location='cpu', weights_only=True)
    state = state.get('state_dict', state)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    shapes = sorted(k for k in set(expected) & set(state) if expected[k].shape != state[k].shape)
    if missing or unexpected or shapes:
        def show(keys):
            return ', '.join(keys[:10]) + (f' ... ({len(keys) - 10} more)' if len(keys) > 10 else '') or 'none'
        raise ValueError(f'checkpoint {checkpoint} does not match the config\'s model: missing keys: {show(missing)}; '
                         f'unexpected keys: {show(unexpected)}; shape mismatches: {show(shapes)}')
    model.load_state_dict(state)


def collect(cfg_loader, model, count, seed):
    """The first ``count`` images of a dataloader config, preprocessed: ((N, C, H, W) in [0, 1], (N,))."""
    loader_cfg = dict(cfg_loader, num_workers=0, persistent_workers=False)
    loader_cfg['sampler'] = dict(type='DefaultSampler', shuffle=False)
    loader = Runner.build_dataloader(loader_cfg, seed=seed)
    images, labels, total = [], [], 0
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        images.append(data['inputs'])
        labels.append(torch.stack([sample.gt_label for sample in data['data_samples']]))
        total += len(labels[-1])
        if count is not None and total >= count:
            break
    images, labels = torch.cat(images), torch.cat(labels).flatten()
    return (images, labels) if count is None else (images[:count], labels[:count])


def classification_attacks(args, cfg, classifier, eps, sha, work_dir):
    attacks = {}
    for name in args.attacks:
        options = {}
        if name == 'pgd20':
            options = dict(step_size=parse_epsilon(args.pgd_step_size), seed=args.seed)
        elif name == 'autoattack':
            options = dict(version=args.autoattack_version, seed=args.seed)
        elif name in ('ssa', 'ssah'):
            options = dict(feature_layer=args.ssa_feature_layer, steps=args.ssa_steps)
        elif name == 'lafeat':
            layers = args.lafeat_layers or default_lafeat_layers(classifier)
            if layers is None:
                raise ValueError('lafeat: this model has no default head placement; give --lafeat-layers '
                                 '(module names, e.g. backbone.layer1 backbone.layer2; the last is attacked)')
            train_images, _ = collect(cfg.train_dataloader, classifier, args.lafeat_train_samples, args.seed)
            cache = work_dir / 'lafeat_heads' / f'{Path(args.checkpoint).stem}-{sha[:12]}.pth'
            heads = load_or_train_heads(classifier, layers, train_images, str(cache), sha,
                                        epochs=args.lafeat_epochs, seed=args.seed, progress=True)
            options = dict(heads=heads, steps=args.lafeat_steps)
        attacks[name] = build_attack(name, classifier, eps=eps, **options)
    return attacks


def run_classification(args, cfg, classifier, eps, sha, work_dir):
    attacks = classification_attacks(args, cfg, classifier, eps, sha, work_dir)
    images, labels = collect(cfg.test_dataloader, classifier, args.num_samples, args.seed)
    batches = [(images[i:i + args.batch_size], labels[i:i + args.batch_size])
               for i in range(0, len(images), args.batch_size)]
    ssa_names = [n for n in attacks if n in ('ssa', 'ssah')]
    others = {n: a for n, a in attacks.items() if n not in ssa_names}
    evaluation = evaluate_attacks(classifier, others, batches, progress=True, total=len(batches))
    if ssa_names:
        # SSA draws its negatives from the batch: its batch size is a setting of the attack.
        size = args.ssa_batch_size or args.batch_size
        ssa_batches = [(images[i:i + size], labels[i:i + size]) for i in range(0, len(images), size)]
        ssa = evaluate_attacks(classifier, {n: attacks[n] for n in ssa_names}, ssa_batches, progress=True,
                               total=len(ssa_batches))
        for store, extra in ((evaluation.correct, ssa.correct), (evaluation.linf, ssa.linf), (evaluation.l2, ssa.l2)):
            store.update({n: [torch.cat(extra[n])] for n in ssa_names})
    gradient = [n for n in GRADIENT_ATTACKS if n in evaluation.correct]
    first = batches[0]
    survived = torch.stack([evaluation.per_sample(n)[:len(first[0])] for n in gradient]).all(0) if gradient else None
    report = masking_checks(classifier, *first, gradient_correct=survived, eps=eps, seed=args.seed)
    summary = evaluation.summary()
    per_sample = {name: evaluation.per_sample(name).tolist() for name in [*attacks, WORST_CASE]}
    return summary, per_sample, report.messages


def run_segmentation(args, cfg, load_checkpoint):
    unsupported = [n for n in args.attacks if n != 'clean' and not SEGMENTATION_ATTACK.match(n)]
    if unsupported:
        raise ValueError(f'attacks {unsupported} are classification only; segmentors support clean and pgd<n>')
    cfg.test_cfg = dict(type='RobustTestLoop', attacks=list(args.attacks), eps=parse_epsilon(args.eps),
                        attack_options={n: dict(step_size=parse_epsilon(args.pgd_step_size), seed=args.seed)
                                        for n in args.attacks if n != 'clean'})
    runner = Runner.from_cfg(cfg)
    load_checkpoint(runner.model)
    return {key: float(value) for key, value in runner.test().items()}


def main(argv=None):
    args = parse_args(argv)
    eps = parse_epsilon(args.eps)
    unknown = [n for n in args.attacks if n not in ATTACKS and not SEGMENTATION_ATTACK.match(n)]
    if unknown:
        raise KeyError(f'unknown attacks {unknown}; valid attacks: {", ".join(ATTACKS)}')
    cfg = load_cli_config(args.config, 'none', args.cfg_options, args.work_dir)
    work_dir = Path(cfg.work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    torch.manual_seed(args.seed)
    sha = file_sha256(args.checkpoint)
    model = MODELS.build(cfg.model)
    task_model = network_of(model)
    record = dict(config=osp.abspath(args.config), checkpoint=osp.abspath(args.checkpoint), checkpoint_sha256=sha,
                  attacks=list(args.attacks), eps=eps, eps_text=args.eps, seed=args.seed,
                  num_samples=args.num_samples, batch_size=args.batch_size)
    if isinstance(task_model, BaseSegmentor):
        record['metrics'] = run_segmentation(args, cfg, lambda m: load_matching_checkpoint(m, args.checkpoint))
        table = '\n'.join(f'{key:<40} {value:.2f}' for key, value in record['metrics'].items()
                          if isinstance(value, float))
    else:
        load_matching_checkpoint(model, args.checkpoint)
        summary, per_sample, checks = run_classification(args, cfg, task_model.eval(), eps, sha, work_dir)
        record.update(summary=summary, per_sample_correct=per_sample, checks=checks, check_warnings=len(checks))
        table = format_table(summary)
        if checks:
            table += f'\n{len(checks)} check warning(s): ' + '; '.join(checks.values())
    print(table)
    out = work_dir / f'robust_test_{time.strftime("%Y%m%d_%H%M%S")}.json'
    out.write_text(json.dumps(record, indent=1))
    print(f'record: {out}')
    return record


if __name__ == '__main__':
    main()
