"""Clustering-effect accuracy per layer on clean, PGD and corrupted test images (Table 5; Jin et
al., ICCV 2023).

    python tools/analysis/clustering_effect.py CONFIG CHECKPOINT [CONFIG CHECKPOINT ...]
        [--labels A B] [--inputs clean pgd corrupted lafeat] [--layers NAME ...] [--denominator class]
        [--lafeat-layer NAME] [--lafeat-epochs 50] [--lafeat-steps 100] [--eps 8/255] [--step-size 2/255]
        [--max-train-images 1024] [--max-images 256] [--domain source] [--work-dir DIR]

Centroids come from the correctly classified images of the config's train split (read with the
test pipeline); each test image is assigned to its L2-nearest centroid
(``slim_mmseg.analysis.clustering_effect``). Inputs: ``clean``; ``pgd`` (PGD-10, L-inf ``--eps``, step
``--step-size``, cross-entropy; defaults 8/255 and 2/255, the CIFAR-10 budget); ``corrupted`` (the random
albumentations corruption of ``perturbation_sources.RandomCorruption``); ``lafeat`` (LAFEAT, L-inf ``--eps``,
``slim_mmseg.attacks``:
an auxiliary head on ``--lafeat-layer`` — default the second-to-last backbone stage — trained for
``--lafeat-epochs`` on the model's own predictions for the same training images as the centroids,
then ``--lafeat-steps`` per beta; not in the default ``--inputs``, since it trains a head per model).
Classifiers only: a segmentor config is refused. Writes ``clustering_effect.json`` and
``clustering_effect.png`` (one panel per input kind, accuracy per layer, one line per model).
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from tqdm import tqdm  # noqa: E402

import torch  # noqa: E402

from analysis_run import AnalysisRun, layer_panels, layer_table  # noqa: E402
from model_loading import common_parser, default_layers, labelled_batches, require_classifier  # noqa: E402

from slim_mmseg.analysis import PixelAttack, RandomCorruption, clustering_accuracy  # noqa: E402
from slim_mmseg.attacks import LAFEATHeads, build_attack, parse_epsilon, train_lafeat_heads  # noqa: E402
from slim_mmseg.analysis.clustering_effect import DENOMINATORS  # noqa: E402

TOOL = 'clustering_effect'
INPUTS = ('clean', 'pgd', 'corrupted', 'lafeat')
DEFAULT_INPUTS = ('clean', 'pgd', 'corrupted')


def parse_args(argv=None):
    parser = common_parser(__doc__.split('\n')[0])
    parser.add_argument('--inputs', nargs='+', default=list(DEFAULT_INPUTS), choices=INPUTS)
    parser.add_argument('--lafeat-layer', help='module the LAFEAT head reads (default: second-to-last stage)')
    parser.add_argument('--lafeat-epochs', type=int, default=50, help="head training epochs (lafeat's train.py: 50)")
    parser.add_argument('--lafeat-steps', type=int, default=100, help='attack iterations per beta (lafeat: 100)')
    parser.add_argument('--layers', nargs='+', help='module names (default: the backbone stages and the head)')
    parser.add_argument('--denominator', default='class', choices=DENOMINATORS,
                        help="centroid = sum of correct features / class count (the authors' code) or / correct count")
    parser.add_argument('--max-train-images', type=int, default=1024)
    parser.add_argument('--eps', type=parse_epsilon, default=8 / 255,
                        help='L-inf budget of pgd and lafeat in [0, 1] pixel units, a number or a fraction "8/255"')
    parser.add_argument('--step-size', type=parse_epsilon, default=2 / 255, help='PGD step, same units')
    return parser.parse_args(argv)


def perturbation(kind, loaded, seed, args, train):
    model = loaded.model
    if kind == 'clean':
        return None
    if kind == 'lafeat':
        images = torch.cat([batch[0] for batch in train])
        heads = LAFEATHeads.for_model(model, [args.lafeat_layer or default_layers(loaded)[-2]], images)
        train_lafeat_heads(model, heads, images, epochs=args.lafeat_epochs, seed=seed)
        return build_attack('lafeat', model, eps=args.eps, heads=heads, steps=args.lafeat_steps)
    if kind == 'pgd':
        return PixelAttack(model, 'ce', eps=args.eps, step_size=args.step_size, seed=seed)
    return RandomCorruption(seed=seed)


def main(argv=None):
    args = parse_args(argv)
    run = AnalysisRun(args, TOOL)
    records = []
    for loaded in run.models():
        require_classifier(loaded, 'the clustering effect')
        layers = args.layers or default_layers(loaded) + ['head']
        train = labelled_batches(loaded, 'train', args.max_train_images, args.batch_size, args.seed, None)
        test = labelled_batches(loaded, 'test', args.max_images, args.batch_size, args.seed, args.domain)
        for kind in tqdm(args.inputs, desc=loaded.label):
            values = clustering_accuracy(loaded.model, layers, train, test, loaded.num_classes,
                                         perturb=perturbation(kind, loaded, args.seed, args, train),
                                         denominator=args.denominator)
            records += [dict(label=loaded.label, inputs=kind, layer=layer, accuracy=value)
                        for layer, value in values.items()]
    panels = (records, run.labels, 'inputs', list(args.inputs), layers, 'accuracy')
    figure = layer_panels(*panels, ylabel='clustering accuracy (%)', title='{} test images', scale=100)
    payload = dict(layers=layers, inputs=args.inputs, denominator=args.denominator, eps=args.eps,
                   step_size=args.step_size, train_images=sum(len(b[1]) for b in train),
                   test_images=sum(len(b[1]) for b in test),
                   domain=args.domain, records=records)
    run.finish(payload, figure, ['clustering accuracy (%)'] + layer_table(*panels, value_format='{:.1f}', scale=100))


if __name__ == '__main__':
    main()
