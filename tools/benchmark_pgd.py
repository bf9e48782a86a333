"""Our PGD-20 evaluation time against torchattacks' PGD-20: same model, batch and images, in one
process, interleaved (the two alternate which goes first each round), medians over rounds.

    python tools/benchmark_pgd.py [CONFIG] [--batch-size 128] [--rounds 10] [--steps 20] [--threads 1]

CONFIG: a classifier config (default: the Fashion-MNIST adversarial-training demo,
``configs/fashion_mnist_at/smallcnn_pgd-at.py``); the model keeps its initial weights (time does
not depend on them) and the images are uniform noise of the config's input shape
(``--image-shape``, default 1 28 28). Both attacks: eps 8/255, step 2/255, uniform random start,
model in evaluation mode. Printed: each median, the ratio of the medians ours / torchattacks
(target <= 1.0), the median of the per-round ratios (each pairs two runs under the same machine
load), and whether the two agree exactly from the same start (no random start).
"""
import argparse
import os.path as osp
import statistics
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
import torchattacks  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402

import slim_mmseg.openmmlab  # noqa: E402,F401
from slim_mmseg.attacks import PGD  # noqa: E402
from slim_mmseg.models import network_of  # noqa: E402

DEFAULT_CONFIG = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs', 'fashion_mnist_at',
                          'smallcnn_pgd-at.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', default=DEFAULT_CONFIG)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--image-shape', type=int, nargs=3, default=(1, 28, 28))
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--threads', type=int, default=1, help='torch.set_num_threads')
    return parser.parse_args(argv)


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = network_of(MODELS.build(Config.fromfile(args.config).model)).eval()
    images = torch.rand(args.batch_size, *args.image_shape)
    with torch.no_grad():
        labels = model(images).argmax(dim=1)
    ours = PGD(model, eps=8 / 255, steps=args.steps, step_size=2 / 255, random_start='uniform')
    theirs = torchattacks.PGD(model, eps=8 / 255, alpha=2 / 255, steps=args.steps, random_start=True)
    runs = {'ours': lambda: ours(images, labels), 'torchattacks': lambda: theirs(images, labels)}
    for run in runs.values():        # warm-up
        run()
    times = {name: [] for name in runs}
    for round_index in range(args.rounds):
        order = list(runs) if round_index % 2 == 0 else list(reversed(runs))
        for name in order:
            times[name].append(timed(runs[name]))
    medians = {name: statistics.median(values) for name, values in times.items()}
    same_start = torch.equal(
        PGD(model, steps=args.steps, random_start='none')(images, labels),
        torchattacks.PGD(model, eps=8 / 255, alpha=2 / 255, steps=args.steps, random_start=False)(images, labels))
    print(f'model: {type(model).__name__} from {osp.basename(args.config)}; batch {args.batch_size} x '
          f'{tuple(args.image_shape)}; PGD-{args.steps}; {args.rounds} interleaved rounds; '
          f'{torch.get_num_threads()} thread(s)')
    for name, median in medians.items():
        print(f'{name:<13} median {median * 1000:8.1f} ms  (min {min(times[name]) * 1000:.1f}, '
              f'max {max(times[name]) * 1000:.1f})')
    ratio = medians['ours'] / medians['torchattacks']
    # Per-round ratios pair the two runs that shared the machine's load at that moment.
    paired = statistics.median(a / b for a, b in zip(times['ours'], times['torchattacks']))
    print(f'ratio ours / torchattacks: {ratio:.3f} (target <= 1.0: {"met" if ratio <= 1.0 else "NOT met"}); '
          f'median of per-round ratios: {paired:.3f}')
    print(f'identical adversarial images from the same start: {same_start}')
    return ratio


if __name__ == '__main__':
    main()
