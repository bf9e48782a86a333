"""Write Cityscapes' ``*_gtFine_labelTrainIds.png`` (19 classes, 255 = ignore) from its polygons.

Uses the official ``cityscapesscripts`` drawing (``createLabelImage(annotation, 'trainIds')``), the
same code as its ``createTrainIdLabelImgs`` script, but without that script's environment variable
and with errors that name the file: a polygon label cityscapesscripts does not know (its own
script exits the interpreter), or a polygon file whose size disagrees with its image.

Layout read (the official ``gtFine_trainvaltest.zip`` + ``leftImg8bit_trainvaltest.zip``)::

    data/cityscapes/leftImg8bit/{train,val}/<city>/<city>_<seq>_<frame>_leftImg8bit.png
    data/cityscapes/gtFine/{train,val}/<city>/<city>_<seq>_<frame>_gtFine_polygons.json

Written next to each polygon file: ``<city>_<seq>_<frame>_gtFine_labelTrainIds.png``, which
mmseg's ``CityscapesDataset`` reads.

    python tools/convert_datasets/cityscapes.py data/cityscapes --nproc 8
"""
import argparse
import glob
import os.path as osp
from concurrent.futures import ProcessPoolExecutor

from cityscapesscripts.helpers.annotation import Annotation
from cityscapesscripts.helpers.labels import name2label
from cityscapesscripts.preparation.json2labelImg import createLabelImage
from PIL import Image

POLYGONS_SUFFIX = '_gtFine_polygons.json'
TRAIN_IDS_SUFFIX = '_gtFine_labelTrainIds.png'
IMAGE_SUFFIX = '_leftImg8bit.png'


def known_label(label: str) -> bool:
    """cityscapesscripts' own rule: an unknown '<x>group' label falls back to '<x>'."""
    return label in name2label or (label.endswith('group') and label[:-len('group')] in name2label)


def convert_polygons(json_path: str, image_path: str) -> str:
    """Draws one polygon file into its train-id PNG; returns the written path."""
    annotation = Annotation()
    annotation.fromJsonFile(json_path)
    unknown = sorted({obj.label for obj in annotation.objects
                      if not obj.deleted and not known_label(obj.label)})
    if unknown:
        raise ValueError(
            f'{json_path}: polygon label(s) {unknown} are not Cityscapes labels (valid names: '
            f'{", ".join(sorted(name2label))}). Fix or delete those polygons and rerun.')
    if osp.isfile(image_path):
        with Image.open(image_path) as image:
            if image.size != (annotation.imgWidth, annotation.imgHeight):
                raise ValueError(
                    f'{json_path} declares {annotation.imgWidth}x{annotation.imgHeight} but its '
                    f'image {image_path} is {image.size[0]}x{image.size[1]}: re-extract both '
                    'archives (a corrupted or mismatched download).')
    out_path = json_path[:-len(POLYGONS_SUFFIX)] + TRAIN_IDS_SUFFIX
    createLabelImage(annotation, 'trainIds').save(out_path)
    return out_path


def polygon_files(root: str, splits):
    """(polygon json, matching leftImg8bit image) pairs of the given splits."""
    pairs = []
    for split in splits:
        jsons = sorted(glob.glob(osp.join(root, 'gtFine', split, '*', '*' + POLYGONS_SUFFIX)))
        if not jsons:
            raise FileNotFoundError(
                f'No *{POLYGONS_SUFFIX} under {osp.join(root, "gtFine", split)}/<city>/: unzip '
                f'gtFine_trainvaltest.zip into {root} (it creates gtFine/{{train,val,test}}).')
        for json_path in jsons:
            stem = osp.basename(json_path)[:-len(POLYGONS_SUFFIX)]
            city = osp.basename(osp.dirname(json_path))
            pairs.append((json_path,
                          osp.join(root, 'leftImg8bit', split, city, stem + IMAGE_SUFFIX)))
    return pairs


def convert(root: str, splits=('train', 'val'), nproc: int = 1):
    """Converts every polygon file of ``splits``; returns the written paths."""
    pairs = polygon_files(root, splits)
    if nproc > 1:
        with ProcessPoolExecutor(nproc) as pool:
            return list(pool.map(convert_polygons, *zip(*pairs), chunksize=16))
    return [convert_polygons(*pair) for pair in pairs]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('root', help='Cityscapes root holding gtFine/ and leftImg8bit/')
    parser.add_argument('--splits', nargs='+', default=['train', 'val'],
                        help='gtFine splits to convert (test has no public labels)')
    parser.add_argument('--nproc', type=int, default=1, help='worker processes')
    args = parser.parse_args(argv)
    written = convert(args.root, args.splits, args.nproc)
    print(f'Wrote {len(written)} *{TRAIN_IDS_SUFFIX} files under '
          f'{osp.join(args.root, "gtFine")} ({", ".join(args.splits)}).')


if __name__ == '__main__':
    main()
