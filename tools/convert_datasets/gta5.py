"""Check GTA5 and write the split lists the configs train and validate on.

GTA5 labels stay as released (Cityscapes *label* ids, 0..33): ``GTA5Dataset`` maps them to the 19
train ids while loading, with one lookup table, so there is no second 25k-file copy of the labels
to keep in sync, and pixels of unknown ids are counted at load time. What cannot be fixed on the
fly is a pair whose label size differs from its image (a few GTA5 frames): random crops would cut
image and label at different places. This tool finds those pairs (and images without labels, and
labels without images) from the PNG headers alone, reports them, and leaves them out of the split
lists it writes.

Layout read (the official 10 "parts" of https://download.visinf.tu-darmstadt.de/data/from_games/
extracted together)::

    data/gta5/images/00001.png ... 24966.png
    data/gta5/labels/00001.png ... 24966.png

Written: ``data/gta5/splits/<name>.txt``, one image stem per line (mmseg's ``ann_file`` format).
With ``--split-list train=... --split-list val=...`` (the official train/val/test division, e.g.
RobustNet's ``split_data/gtav_split_{train,val}.txt``, lines like ``00022.png``) one list per
name; without, ``splits/all.txt``.

    python tools/convert_datasets/gta5.py data/gta5 \\
        --split-list train=gtav_split_train.txt --split-list val=gtav_split_val.txt
"""
import argparse
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List

from PIL import Image

SUFFIX = '.png'


@dataclass
class GTA5Check:
    valid: List[str] = field(default_factory=list)
    size_mismatch: Dict[str, tuple] = field(default_factory=dict)  # stem -> (image, label) WxH
    missing_label: List[str] = field(default_factory=list)
    missing_image: List[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [f'{len(self.valid)} valid image/label pairs.']
        for stem, (image_size, label_size) in sorted(self.size_mismatch.items()):
            lines.append(f'size mismatch, excluded: images/{stem}{SUFFIX} is '
                         f'{image_size[0]}x{image_size[1]}, labels/{stem}{SUFFIX} is '
                         f'{label_size[0]}x{label_size[1]}')
        lines += [f'no label, excluded: images/{stem}{SUFFIX}' for stem in self.missing_label]
        lines += [f'no image, excluded: labels/{stem}{SUFFIX}' for stem in self.missing_image]
        return '\n'.join(lines)


def stems(directory: str) -> set:
    if not osp.isdir(directory):
        raise FileNotFoundError(
            f'{directory} does not exist: extract the GTA5 parts so that images/ and labels/ '
            'sit side by side under the dataset root.')
    return {name[:-len(SUFFIX)] for name in os.listdir(directory) if name.endswith(SUFFIX)}


def check(root: str) -> GTA5Check:
    image_stems, label_stems = stems(osp.join(root, 'images')), stems(osp.join(root, 'labels'))
    result = GTA5Check(missing_label=sorted(image_stems - label_stems),
                       missing_image=sorted(label_stems - image_stems))
    for stem in sorted(image_stems & label_stems):
        with Image.open(osp.join(root, 'images', stem + SUFFIX)) as image, \
                Image.open(osp.join(root, 'labels', stem + SUFFIX)) as label:
            if image.size == label.size:
                result.valid.append(stem)
            else:
                result.size_mismatch[stem] = (image.size, label.size)
    return result


def read_split_list(path: str) -> List[str]:
    """Stems from a list of file names or stems, one per line."""
    with open(path) as f:
        names = [line.strip() for line in f if line.strip()]
    return [osp.splitext(osp.basename(name))[0] for name in names]


def write_splits(root: str, result: GTA5Check, split_lists: Dict[str, str]) -> Dict[str, int]:
    """Writes ``splits/<name>.txt`` with the valid stems of each list; returns line counts."""
    valid = set(result.valid)
    wanted = {name: read_split_list(path) for name, path in split_lists.items()} or \
        {'all': result.valid}
    os.makedirs(osp.join(root, 'splits'), exist_ok=True)
    counts = {}
    for name, split_stems in wanted.items():
        unknown = [stem for stem in split_stems
                   if stem not in valid and stem not in result.size_mismatch
                   and stem not in result.missing_label]
        if unknown:
            raise ValueError(
                f'{split_lists[name]} lists {len(unknown)} image(s) not in {root}/images, e.g. '
                f'{unknown[:3]}: is the dataset complete (all 10 parts extracted)?')
        kept = [stem for stem in split_stems if stem in valid]
        with open(osp.join(root, 'splits', f'{name}.txt'), 'w') as f:
            f.writelines(stem + '\n' for stem in kept)
        counts[name] = len(kept)
    return counts


def parse_split_list(text: str):
    name, sep, path = text.partition('=')
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH (e.g. val=gtav_split_val.txt), "
                                         f"got '{text}'")
    return name, path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('root', help='GTA5 root holding images/ and labels/')
    parser.add_argument('--split-list', type=parse_split_list, action='append', default=[],
                        metavar='NAME=PATH', help='official split list (repeatable)')
    args = parser.parse_args(argv)
    result = check(args.root)
    print(result.report())
    counts = write_splits(args.root, result, dict(args.split_list))
    for name, count in counts.items():
        print(f'Wrote {osp.join(args.root, "splits", name + ".txt")}: {count} images.')


if __name__ == '__main__':
    main()
