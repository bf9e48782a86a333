"""How often SLIM's term flips the adversary's step direction, per candidate layer and loss.

    python tools/analysis/slim_direction_change.py CONFIG CHECKPOINT [--batches 4] [--seed 0]
        [--weights -1 1] [--json OUT] [--device cuda]

CONFIG is a SLIM-AdvStyle config (its adversary positions, random start and SLIM candidates are
used); CHECKPOINT any checkpoint of the same segmentor (an ERM or AdvStyle one too). For
``--batches`` training batches (the config's train pipeline, seeded), the model in training mode
takes one ``sign`` step from a shared random start with the task loss alone and with
``task + weight * L_dict`` for every candidate layer, dictionary loss and weight; the printed table
is the fraction of style statistics whose step sign differs, averaged over batches. See
``slim_mmseg.analysis.slim_direction_change``.
"""
import argparse
import json
import os.path as osp
import sys
from collections import defaultdict

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner, set_random_seed  # noqa: E402
from mmengine.runner.checkpoint import _load_checkpoint  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402

import slim_mmseg.openmmlab  # noqa: E402,F401
from slim_mmseg.analysis import sign_flip_rates  # noqa: E402
from slim_mmseg.core.adversarial_style import DEFAULT_SLIM_RANDOM_START  # noqa: E402
from slim_mmseg.engine.device_option import add_device_argument  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a SLIM-AdvStyle config')
    parser.add_argument('checkpoint')
    parser.add_argument('--batches', type=int, default=4)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--weights', type=float, nargs='+', default=[-1.0, 1.0],
                        help='SLIM weights lambda to test (the sampler draws from lambda_range)')
    parser.add_argument('--json', help='also write the per-batch records here')
    add_device_argument(parser)
    return parser.parse_args(argv)


def segmentor_weights(checkpoint: str) -> dict:
    """The segmentor's state dict from an ERM checkpoint (the bare segmentor) or an AdvStyle /
    SLIM-AdvStyle one (the wrapper: ``model.`` keys plus the adversary's random state)."""
    state = _load_checkpoint(checkpoint, map_location='cpu')
    state = state.get('state_dict', state)
    if any(key.startswith('model.') for key in state):
        state = {key[len('model.'):]: value for key, value in state.items() if key.startswith('model.')}
    return state


def main(argv=None):
    args = parse_args(argv)
    init_default_scope('mmseg')
    cfg = Config.fromfile(args.config)
    if cfg.model.get('type') != 'SLIMAdvStyle' or cfg.model.get('slim') is None:
        raise ValueError(f'{args.config} is not a SLIM-AdvStyle config (model.type SLIMAdvStyle with slim set)')
    set_random_seed(args.seed)  # the train pipeline's random crops and flips, too
    wrapper = MODELS.build(cfg.model)
    wrapper.model.load_state_dict(segmentor_weights(args.checkpoint))
    wrapper.to(args.device).train()
    adversary = cfg.model.get('adversary', {})
    random_start = adversary.get('random_start') or DEFAULT_SLIM_RANDOM_START
    loader = Runner.build_dataloader(dict(cfg.train_dataloader, num_workers=0, persistent_workers=False),
                                     seed=args.seed)
    records = []
    for index, batch in zip(range(args.batches), loader):
        data = wrapper.data_preprocessor(batch, True)
        inputs, samples = data['inputs'], data['data_samples']

        def task_loss(styled):
            return wrapper.parse_losses(wrapper.model(styled, samples, mode='loss'))[0]

        for record in sign_flip_rates(wrapper.model, inputs, task_loss, adversary.get('positions', ['input']),
                                      cfg.model.slim.layers, cfg.model.slim.get('losses', ['mse', 'ortho', 'reverse']),
                                      weights=args.weights, random_start=random_start,
                                      norm_mode=adversary.get('norm_mode', 'batch'), seed=args.seed + index):
            records.append(dict(record, batch=index))
    rates = defaultdict(list)
    for record in records:
        rates[(record['layer'], record['loss'], record['weight'])].append(record['flip_rate'])
    print(f'{args.checkpoint}: sign flips caused by the SLIM term (% of style statistics, '
          f'mean over {args.batches} batches, random start {random_start})')
    print('| layer | loss | lambda | flipped (%) |\n|---|---|---|---|')
    for (layer, loss, weight), values in rates.items():
        print(f'| {layer} | {loss} | {weight:+g} | {100 * sum(values) / len(values):.2f} |')
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(dict(config=args.config, checkpoint=args.checkpoint, random_start=random_start,
                           device=str(args.device), records=records), out, indent=2)


if __name__ == '__main__':
    main()
