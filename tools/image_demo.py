"""Segment one image with a trained checkpoint and write the prediction overlaid on it.

    python tools/image_demo.py IMAGE CONFIG CHECKPOINT --out FILE [--opacity 0.5] [--with-labels]
        [--device cpu]

mmseg 1.2.2's ``demo/image_demo.py`` for this project's configs: the model comes from
``mmseg.apis.init_model`` (any method: ERM, AdvStyle and SLIM-AdvStyle wrappers alike), the image
goes through the config's top-level ``test_pipeline`` in ``mmseg.apis.inference_model``, and
``show_result_pyplot`` paints the class colours of the checkpoint's ``dataset_meta`` with mmseg's
``SegLocalVisualizer``. Prints the share of the image each predicted class covers.
"""
import argparse
import os.path as osp
import sys

# This checkout's slim_mmseg, whatever the working directory.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.model import revert_sync_batchnorm  # noqa: E402
from mmengine.utils import mkdir_or_exist  # noqa: E402
from mmseg.apis import inference_model, init_model, show_result_pyplot  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('image', help='image file')
    parser.add_argument('config', help='config file (the one the checkpoint was trained with)')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', required=True, help='where to write the overlay (PNG or JPEG)')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='opacity of the painted prediction, in (0, 1] (default: %(default)s)')
    parser.add_argument('--with-labels', action='store_true', help='write class names on the regions')
    parser.add_argument('--device', default='cuda:0' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args(argv)
    if not 0 < args.opacity <= 1:
        parser.error(f'--opacity must be in (0, 1], got {args.opacity}')
    return args


def class_shares(prediction: np.ndarray, classes) -> str:
    """``'road 41.2%, car 9.8%, ...'``: the predicted classes by the share of pixels they cover."""
    counts = np.bincount(prediction.ravel(), minlength=len(classes))
    order = np.argsort(-counts, kind='stable')
    return ', '.join(f'{classes[i]} {100 * counts[i] / prediction.size:.1f}%' for i in order if counts[i])


def main(argv=None):
    args = parse_args(argv)
    model = init_model(args.config, args.checkpoint, device=args.device)
    if args.device == 'cpu':
        model = revert_sync_batchnorm(model)  # SyncBN configs need a process group otherwise
    result = inference_model(model, args.image)
    mkdir_or_exist(osp.dirname(osp.abspath(args.out)))
    show_result_pyplot(model, args.image, result, opacity=args.opacity, draw_gt=False, show=False,
                       with_labels=args.with_labels, out_file=args.out)
    prediction = result.pred_sem_seg.data[0].cpu().numpy()
    print(f'wrote {args.out} ({prediction.shape[0]}x{prediction.shape[1]}): '
          f'{class_shares(prediction, model.dataset_meta["classes"])}')


if __name__ == '__main__':
    main()
