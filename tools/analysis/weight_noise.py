"""Weight-noise flatness: accuracy and loss under Gaussian weight noise over a sigma sweep (Fig. 5).

    python tools/analysis/weight_noise.py CONFIG CHECKPOINT [CONFIG CHECKPOINT ...]
        [--labels A B] [--sigmas 0 0.005 0.01 0.02 0.03 0.05] [--draws 5] [--split train]
        [--max-images 512] [--work-dir DIR]

For each sigma, N(0, sigma^2) is added to every parameter, accuracy and mean cross-entropy are
measured in eval mode on ``--max-images`` images of ``--split`` (the training images by default,
read with the test pipeline), averaged over ``--draws`` draws, and the weights are restored
exactly (``slim_mmseg.analysis.weight_noise``). Classifiers and segmentors (pixel accuracy).
Writes ``weight_noise.json`` and ``weight_noise.png`` (accuracy and loss against sigma, one curve
per model).
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from tqdm import tqdm  # noqa: E402

from analysis_run import AnalysisRun  # noqa: E402
from model_loading import common_parser, labelled_batches, pyplot  # noqa: E402
from slim_mmseg.analysis import weight_noise_sweep  # noqa: E402

TOOL = 'weight_noise'
DEFAULT_SIGMAS = [0.0, 0.005, 0.01, 0.02, 0.03, 0.05]


def parse_args(argv=None):
    parser = common_parser(__doc__.split('\n')[0])
    parser.add_argument('--sigmas', type=float, nargs='+', default=DEFAULT_SIGMAS)
    parser.add_argument('--draws', type=int, default=5)
    parser.add_argument('--split', default='train', choices=['train', 'val', 'test'])
    parser.set_defaults(max_images=512)
    return parser.parse_args(argv)


def curves(payload):
    """``{label: {'sigma': [...], 'accuracy': [...], 'accuracy_std': [...], 'loss': [...],
    'loss_std': [...]}}`` from a ``weight_noise.json`` payload, sigmas ascending: the plot's data."""
    result = {}
    for record in sorted(payload['records'], key=lambda r: r['sigma']):
        curve = result.setdefault(record['label'], {key: [] for key in
                                                    ('sigma', 'accuracy', 'accuracy_std', 'loss', 'loss_std')})
        for key in curve:
            curve[key].append(record[key])
    return result


def markdown_table(payload):
    """Accuracy (%) +- std over draws, one row per model, one column per sigma."""
    data = curves(payload)
    sigmas = next(iter(data.values()))['sigma']
    lines = ['| model | ' + ' | '.join(f'sigma={s:g}' for s in sigmas) + ' |', '|---|' + '---|' * len(sigmas)]
    for label, curve in data.items():
        if curve['sigma'] != sigmas:
            raise ValueError(f'{label} was measured at sigmas {curve["sigma"]}, the first model at {sigmas}')
        cells = [f'{100 * a:.2f} ± {100 * s:.2f}' for a, s in zip(curve['accuracy'], curve['accuracy_std'])]
        lines.append(f'| {label} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def plot(payload):
    plt = pyplot()
    figure, (accuracy_axis, loss_axis) = plt.subplots(1, 2, figsize=(8, 3))
    for label, curve in curves(payload).items():
        accuracy_axis.errorbar(curve['sigma'], [100 * a for a in curve['accuracy']],
                               yerr=[100 * s for s in curve['accuracy_std']], marker='o', capsize=2, label=label)
        loss_axis.errorbar(curve['sigma'], curve['loss'], yerr=curve['loss_std'], marker='o', capsize=2, label=label)
    accuracy_axis.set_ylabel('accuracy (%)')
    loss_axis.set_ylabel('cross-entropy')
    for axis in (accuracy_axis, loss_axis):
        axis.set_xlabel('weight noise sigma')
        axis.grid(alpha=0.3)
    loss_axis.legend(fontsize=7)
    figure.tight_layout()
    return figure


def main(argv=None):
    args = parse_args(argv)
    run = AnalysisRun(args, TOOL)
    records = []
    for loaded in run.models():
        batches = labelled_batches(loaded, args.split, args.max_images, args.batch_size, args.seed, args.domain)
        for sigma in tqdm(args.sigmas, desc=loaded.label, leave=False):
            records += [dict(record, label=loaded.label) for record in
                        weight_noise_sweep(loaded.model, batches, [sigma], draws=args.draws, seed=args.seed)]
    payload = dict(split=args.split, domain=args.domain, images=sum(len(b[0]) for b in batches),
                   draws=args.draws, records=records)
    run.finish(payload, plot(payload),
               ['accuracy (%) under weight noise, mean ± std over draws', markdown_table(payload)])


if __name__ == '__main__':
    main()
