"""Module-wise Hessian trace (Hutchinson, PyHessian's stopping rule) on clean and PGD-20 batches
(Figs. 1 and 3).

    python tools/analysis/hessian_trace.py CONFIG CHECKPOINT [CONFIG CHECKPOINT ...]
        [--labels A B] [--inputs clean pgd] [--modules NAME ...] [--max-samples 100] [--tol 1e-3]
        [--split train] [--max-images 200] [--work-dir DIR]

The loss is the mean cross-entropy (per pixel for a segmentor) on one batch of ``--max-images``
images (PyHessian's example uses one batch of 200), clean and/or after PGD-20 (L-inf 8/255, step
2/255, uniform start, cross-entropy; model in eval mode). For every conv / linear module (or
``--modules``) the trace of its weight's Hessian block is estimated with Rademacher vectors until
the running mean changes by less than ``--tol`` (relative) or ``--max-samples`` vectors
(``slim_mmseg.analysis.hessian_trace``). The cost is one gradient graph plus modules x samples
Hessian-vector products; the summary prints both and the CPU seconds. Writes ``hessian_trace.json``
and ``hessian_trace.png`` (one panel per input kind, trace per module, one line per model).
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

import torch  # noqa: E402
from tqdm import tqdm  # noqa: E402

from analysis_run import AnalysisRun  # noqa: E402
from model_loading import common_parser, labelled_batches, pyplot  # noqa: E402
from slim_mmseg.analysis import PixelAttack, hessian_traces  # noqa: E402
from slim_mmseg.analysis.prediction_metrics import mean_cross_entropy  # noqa: E402

TOOL = 'hessian_trace'
INPUTS = ('clean', 'pgd')
PGD_STEPS = 20


def parse_args(argv=None):
    parser = common_parser(__doc__.split('\n')[0])
    parser.add_argument('--inputs', nargs='+', default=list(INPUTS), choices=INPUTS)
    parser.add_argument('--modules', nargs='+', help='module names (default: every conv / linear module)')
    parser.add_argument('--max-samples', type=int, default=100, help="PyHessian's maxIter")
    parser.add_argument('--tol', type=float, default=1e-3, help="PyHessian's relative tolerance")
    parser.add_argument('--split', default='train', choices=['train', 'val', 'test'])
    parser.set_defaults(max_images=200, batch_size=200)
    return parser.parse_args(argv)


def plot(records, labels, inputs):
    plt = pyplot()
    figure, axes = plt.subplots(1, len(inputs), figsize=(5 * len(inputs), 3.2), sharey=True, squeeze=False)
    for axis, kind in zip(axes[0], inputs):
        for label in labels:
            rows = [r for r in records if r['label'] == label and r['inputs'] == kind]
            axis.plot(range(len(rows)), [r['trace'] for r in rows], marker='.', label=label)
        modules = [r['module'] for r in records if r['label'] == labels[0] and r['inputs'] == kind]
        axis.set_xticks(range(len(modules)), modules, rotation=90, fontsize=5)
        axis.set_yscale('symlog', linthresh=1e-2)
        axis.set_title('clean batch' if kind == 'clean' else f'PGD-{PGD_STEPS} batch', fontsize=9)
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel('Hessian trace (Hutchinson)')
    axes[0][-1].legend(fontsize=7)
    figure.tight_layout()
    return figure


def main(argv=None):
    args = parse_args(argv)
    run = AnalysisRun(args, TOOL)
    records, costs = [], []
    for loaded in run.models():
        batches = labelled_batches(loaded, args.split, args.max_images, args.batch_size, args.seed, args.domain)
        images = torch.cat([b[0] for b in batches])
        labels = torch.cat([b[1] for b in batches])
        for kind in tqdm(args.inputs, desc=loaded.label):
            batch = images if kind == 'clean' else \
                PixelAttack(loaded.model, 'ce', steps=PGD_STEPS, seed=args.seed)(images, labels)
            result = hessian_traces(loaded.model, lambda m: mean_cross_entropy(m(batch), labels),
                                    modules=args.modules, max_samples=args.max_samples, tol=args.tol,
                                    generator=torch.Generator().manual_seed(args.seed))
            records += [dict(label=loaded.label, inputs=kind, module=t.module, trace=t.trace,
                             trace_per_parameter=t.trace_per_parameter, parameters=t.parameters,
                             samples=t.samples, converged=t.converged) for t in result.modules]
            costs.append(dict(label=loaded.label, inputs=kind, modules=len(result.modules),
                              hessian_vector_products=result.hessian_vector_products, cpu_seconds=result.seconds))
    payload = dict(inputs=args.inputs, images=len(images), max_samples=args.max_samples, tol=args.tol,
                   pgd=dict(steps=PGD_STEPS, eps=8 / 255, step_size=2 / 255), records=records, costs=costs)
    printed = ['| model | inputs | modules | total trace | largest (module) | HVPs | CPU s | ms / HVP |',
               '|---|---|---|---|---|---|---|---|']
    for cost in costs:
        rows = [r for r in records if r['label'] == cost['label'] and r['inputs'] == cost['inputs']]
        largest = max(rows, key=lambda r: r['trace'])
        per_product = 1000 * cost['cpu_seconds'] / max(cost['hessian_vector_products'], 1)
        printed.append(f"| {cost['label']} | {cost['inputs']} | {cost['modules']} | "
                       f"{sum(r['trace'] for r in rows):.4g} | {largest['trace']:.4g} ({largest['module']}) | "
                       f"{cost['hessian_vector_products']} | {cost['cpu_seconds']:.1f} | {per_product:.1f} |")
    printed.append('cost = one gradient graph + modules x samples Hessian-vector products (column HVPs)')
    run.finish(payload, plot(records, run.labels, args.inputs), printed)


if __name__ == '__main__':
    main()
