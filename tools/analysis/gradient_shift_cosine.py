"""Cosine between the loss gradient at a layer and the feature shift there, over the iterations of
PGD and over training checkpoints (Fig. 4).

    python tools/analysis/gradient_shift_cosine.py CONFIG CHECKPOINT [CONFIG CHECKPOINT ...]
        [--labels ERM@5 ERM@10 ...] [--layers NAME ...] [--steps 10] [--eps 0.0314]
        [--step-size 0.0078] [--split test] [--domain source] [--max-images 256] [--work-dir DIR]

Our definition (the paper gives none): c_l = mean over images of cos(dCE(f(x_adv), y)/df_l(x_adv),
f_l(x_adv) - f_l(x)), model in eval mode (``slim_mmseg.analysis.gradient_shift_cosine``), measured
at every iterate x_0 (random start) ... x_K of L-inf PGD-K with cross-entropy. Give several
checkpoints of one run (e.g. ``epoch_5.pth`` ... ``epoch_20.pth``) to follow it over training.
Writes ``gradient_shift_cosine.json`` and ``gradient_shift_cosine.png``: one panel per layer
(c_l against the PGD iteration, one line per model) and a last panel with c_l at the final
iterate against the model (checkpoint) order.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from tqdm import tqdm  # noqa: E402

from analysis_run import AnalysisRun  # noqa: E402
from model_loading import common_parser, default_layers, labelled_batches, pyplot, short_layer  # noqa: E402
from slim_mmseg.analysis import PixelAttack, gradient_shift_cosine  # noqa: E402

TOOL = 'gradient_shift_cosine'


def parse_args(argv=None):
    parser = common_parser(__doc__.split('\n')[0])
    parser.add_argument('--layers', nargs='+', help='module names (default: the backbone stages)')
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--eps', type=float, default=8 / 255)
    parser.add_argument('--step-size', type=float, default=2 / 255)
    parser.add_argument('--split', default='test', choices=['train', 'val', 'test'])
    return parser.parse_args(argv)


def mean_curves(records, labels, layers, iterations):
    """``{(label, layer): [c_l at iteration 0 .. K]}``, weighted by the images of each batch."""
    curves = {}
    for label in labels:
        for layer in layers:
            values = []
            for iteration in iterations:
                rows = [r for r in records if (r['label'], r['layer'], r['iteration']) == (label, layer, iteration)]
                values.append(sum(r['cosine'] * r['images'] for r in rows) / sum(r['images'] for r in rows))
            curves[(label, layer)] = values
    return curves


def plot(curves, labels, layers, iterations):
    plt = pyplot()
    figure, axes = plt.subplots(1, len(layers) + 1, figsize=(3 * (len(layers) + 1), 3), squeeze=False)
    for axis, layer in zip(axes[0], layers):
        for label in labels:
            axis.plot(iterations, curves[(label, layer)], marker='.', label=label)
        axis.set_title(short_layer(layer), fontsize=9)
        axis.set_xlabel('PGD iteration')
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel('cos(grad_l, shift_l)')
    last = axes[0][-1]
    for layer in layers:
        last.plot(range(len(labels)), [curves[(label, layer)][-1] for label in labels], marker='o',
                  label=short_layer(layer))
    last.set_xticks(range(len(labels)), labels, rotation=45, fontsize=7)
    last.set_title('final iterate, per model', fontsize=9)
    last.grid(alpha=0.3)
    last.legend(fontsize=7)
    axes[0][len(layers) - 1].legend(fontsize=6)
    figure.tight_layout()
    return figure


def main(argv=None):
    args = parse_args(argv)
    run = AnalysisRun(args, TOOL)
    records = []
    for loaded in run.models():
        layers = args.layers or default_layers(loaded)
        batches = labelled_batches(loaded, args.split, args.max_images, args.batch_size, args.seed, args.domain)
        attack = PixelAttack(loaded.model, 'ce', eps=args.eps, steps=args.steps, step_size=args.step_size,
                             seed=args.seed)
        for index, (images, labels) in enumerate(tqdm(batches, desc=loaded.label, leave=False)):
            for iteration, adversarial in enumerate(attack.iterates(images, labels)):
                values = gradient_shift_cosine(loaded.model, images, labels, adversarial, layers)
                records += [dict(label=loaded.label, batch=index, iteration=iteration, layer=layer, cosine=value,
                                 images=len(images)) for layer, value in values.items()]
    iterations = list(range(args.steps + 1))
    curves = mean_curves(records, run.labels, layers, iterations)
    payload = dict(layers=layers, split=args.split, domain=args.domain,
                   attack=dict(eps=args.eps, steps=args.steps, step_size=args.step_size, start='uniform'),
                   definition='mean_i cos(dCE(f(x_adv), y)/df_l(x_adv), f_l(x_adv) - f_l(x)) (ours)',
                   records=records)
    printed = [f'cos(gradient, feature shift) at the start / after 1 step / at the final iterate (step {args.steps})',
               '| model | ' + ' | '.join(short_layer(layer) for layer in layers) + ' |',
               '|---|' + '---|' * len(layers)]
    for label in run.labels:
        cells = [' / '.join(f'{curves[(label, layer)][i]:.3f}' for i in (0, 1, -1)) for layer in layers]
        printed.append(f'| {label} | ' + ' | '.join(cells) + ' |')
    run.finish(payload, plot(curves, run.labels, layers, iterations), printed)


if __name__ == '__main__':
    main()
