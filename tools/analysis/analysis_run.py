"""One analysis CLI run: the command line's models loaded one at a time with their CPU cost charged
to their labels, and, at the end, the JSON record, the PNG and the printed table and cost summary.
Also the layer-wise line plot and table that the feature-cosine and clustering tools share (one
panel per perturbation / input kind, one line per model, the layers along x)."""
import argparse
from typing import Iterator, List, Sequence

from tqdm import tqdm

from model_loading import (CostClock, LoadedModel, load_model, model_pairs, provenance, pyplot, short_layer,
                           work_dir, write_outputs)


class AnalysisRun:
    """Args:
        args: the parsed command line (``common_parser``'s arguments).
        tool: the tool's name, used for the default work dir and the output file names.
    """

    def __init__(self, args: argparse.Namespace, tool: str):
        self.args, self.tool = args, tool
        # Pairs and labels are checked before anything is written.
        self.pairs = model_pairs(args)
        self.directory = work_dir(args, tool)
        self.clock = CostClock()
        self.loaded: List[LoadedModel] = []

    @property
    def labels(self) -> List[str]:
        return [label for _, _, label in self.pairs]

    def models(self) -> Iterator[LoadedModel]:
        """Each model in command-line order. The CPU time the caller spends on a model, until it
        asks for the next one, counts as that model's cost."""
        for config, checkpoint, label in tqdm(self.pairs, desc='models'):
            with self.clock.measure(label):
                loaded = load_model(config, checkpoint, label, self.args.device)
                self.loaded.append(loaded)
                yield loaded

    def finish(self, payload: dict, figure, printed: Sequence[str]) -> None:
        """Writes ``<tool>.json`` (``payload`` plus the tool, the models' provenance and the CPU
        seconds) and ``<tool>.png``; prints ``printed``, the cost summary and the two paths."""
        payload = dict(tool=self.tool, models=provenance(self.loaded), **payload, cpu_seconds=self.clock.seconds)
        json_path, png_path = write_outputs(self.directory, self.tool, payload, figure)
        for line in printed:
            print(line)
        print(self.clock.summary())
        print(f'wrote {json_path} and {png_path}')


def layer_value(records: Sequence[dict], label: str, panel_key: str, panel: str, layer: str, value_key: str) -> float:
    return next(r[value_key] for r in records if (r['label'], r[panel_key], r['layer']) == (label, panel, layer))


def layer_panels(records: Sequence[dict], labels: Sequence[str], panel_key: str, panels: Sequence[str],
                 layers: Sequence[str], value_key: str, ylabel: str, title: str = '{}', scale: float = 1.0):
    """One panel per value of ``record[panel_key]`` in ``panels``, one line per model label over
    ``layers``; values are multiplied by ``scale`` (100 for percentages)."""
    plt = pyplot()
    figure, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels), 3), sharey=True, squeeze=False)
    for axis, panel in zip(axes[0], panels):
        for label in labels:
            values = [scale * layer_value(records, label, panel_key, panel, layer, value_key) for layer in layers]
            axis.plot(range(len(layers)), values, marker='o', label=label)
        axis.set_title(title.format(panel), fontsize=9)
        axis.set_xticks(range(len(layers)), [short_layer(layer) for layer in layers], rotation=45, fontsize=7)
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel(ylabel)
    axes[0][-1].legend(fontsize=7)
    figure.tight_layout()
    return figure


def layer_table(records: Sequence[dict], labels: Sequence[str], panel_key: str, panels: Sequence[str],
                layers: Sequence[str], value_key: str, value_format: str = '{:.3f}', scale: float = 1.0) -> List[str]:
    """The same values as :func:`layer_panels` as a markdown table: a row per model and panel."""
    lines = [f'| model | {panel_key} | ' + ' | '.join(short_layer(layer) for layer in layers) + ' |',
             '|---|---|' + '---|' * len(layers)]
    for label in labels:
        for panel in panels:
            cells = [value_format.format(scale * layer_value(records, label, panel_key, panel, layer, value_key))
                     for layer in layers]
            lines.append(f'| {label} | {panel} | ' + ' | '.join(cells) + ' |')
    return lines
