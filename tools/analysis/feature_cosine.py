"""Layer-wise cosine between clean and perturbed features, per perturbation source (Fig. 2).

    python tools/analysis/feature_cosine.py CONFIG CHECKPOINT [CONFIG CHECKPOINT ...]
        [--labels A B] [--sources PGD PGD-CS MART 'AdvStyle (image)' 'random corruption' 'AdvStyle (ASA)']
        [--layers backbone.layer1 ...] [--cosine-layer LAYER] [--asa-positions MODULE ...]
        [--split test] [--domain source] [--max-images 256] [--work-dir DIR]

For every model, source and layer: the mean over images of cos(f_l(x), f_l(x')) (model in eval
mode; see ``slim_mmseg.analysis.feature_cosine`` and ``perturbation_sources`` for each source's
settings). Writes ``feature_cosine.json`` (one record per model, source and layer) and
``feature_cosine.png`` (one panel per source, one line per model) into the work dir. Works for
classifiers and segmentors (per-pixel cross-entropy for the attacks).

'AdvStyle (ASA)' perturbs inside the network (``slim_mmseg.analysis.asa_source``): on a model
trained with ASA modules (a ``StyleAugmented`` checkpoint) at its own positions with its learned
control factors; on any other model at ``--asa-positions`` or the backbone family's
``configs/_base_/methods/placement_*.py`` ``positions['ASA']``, with ASA's *initial* factors (DSU's
batch estimate on the first batch), not learned ones. The JSON records which, and the mean factors.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from tqdm import tqdm  # noqa: E402

from analysis_run import AnalysisRun, layer_panels, layer_table  # noqa: E402
from model_loading import asa_settings, common_parser, default_layers, labelled_batches, short_layer  # noqa: E402
from slim_mmseg.analysis import feature_cosine, standard_sources  # noqa: E402
from slim_mmseg.analysis.perturbation_sources import ASA_SOURCE  # noqa: E402

TOOL = 'feature_cosine'
SOURCES = ['PGD', 'PGD-CS', 'MART', 'AdvStyle (image)', 'random corruption', ASA_SOURCE]


def parse_args(argv=None):
    parser = common_parser(__doc__.split('\n')[0])
    parser.add_argument('--sources', nargs='+', default=SOURCES, help=f'a subset of {SOURCES}')
    parser.add_argument('--layers', nargs='+', help='module names (default: the backbone stages)')
    parser.add_argument('--cosine-layer', help='the layer of PGD-CS (default: the last analysed layer)')
    parser.add_argument('--asa-positions', nargs='+',
                        help=f'where {ASA_SOURCE!r} acts on models trained without ASA modules (default: the '
                             "backbone family's configs/_base_/methods/placement_*.py positions['ASA']); "
                             'ASA-trained models always use their own positions and learned factors')
    parser.add_argument('--split', default='test', choices=['train', 'val', 'test'])
    return parser.parse_args(argv)


def asa_record(source) -> dict:
    """Which control factors the ASA source used on a model, and their channel means per position."""
    return dict(control_factors='learned' if source.learned else 'initial (DSU batch estimate, first batch)',
                positions=list(source.positions),
                mean_factors={position: [float(mean.mean()), float(std.mean())]
                              for position, (mean, std) in source.control_factors().items()})


def main(argv=None):
    args = parse_args(argv)
    run = AnalysisRun(args, TOOL)
    records, asa = [], {}
    for loaded in run.models():
        layers = args.layers or default_layers(loaded)
        batches = labelled_batches(loaded, args.split, args.max_images, args.batch_size, args.seed, args.domain)
        settings = asa_settings(loaded, args.asa_positions) if ASA_SOURCE in args.sources else {}
        sources = standard_sources(loaded.model, args.cosine_layer or layers[-1], seed=args.seed,
                                   names=args.sources, asa_positions=settings.get('positions'),
                                   asa_control_factors=settings.get('control_factors'))
        for source, perturb in tqdm(sources.items(), desc=f'{loaded.label}: sources'):
            values = feature_cosine(loaded.model, tqdm(batches, desc=source, leave=False), perturb, layers)
            records += [dict(label=loaded.label, source=source, layer=layer, cosine=value)
                        for layer, value in values.items()]
        if ASA_SOURCE in sources:
            asa[loaded.label] = asa_record(sources[ASA_SOURCE])
    panels = (records, run.labels, 'source', list(args.sources), layers, 'cosine')
    figure = layer_panels(*panels, ylabel="mean cos(f_l(x), f_l(x'))")
    payload = dict(layers=layers, sources=list(args.sources), cosine_layer=args.cosine_layer or layers[-1],
                   split=args.split, domain=args.domain, images=sum(len(b[0]) for b in batches), records=records)
    if asa:
        payload['asa'] = asa
    printed = layer_table(*panels) + [
        f'{ASA_SOURCE} on {label}: {record["control_factors"]} control factors; mean Sigma_mu / Sigma_sigma: '
        + ', '.join(f'{short_layer(p)} {v[0]:.3f} / {v[1]:.3f}' for p, v in record['mean_factors'].items())
        for label, record in asa.items()]
    run.finish(payload, figure, printed)


if __name__ == '__main__':
    main()
