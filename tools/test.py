"""Test (and evaluate) a segmentor: the command line of mmseg 1.2.2's ``tools/test.py`` with
slim_mmseg registered and CPU-only distributed runs.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out DIR] [--show]
        [--show-dir DIR] [--wait-time S] [--tta] [--cfg-options KEY=VALUE ...]
        [--launcher {none,pytorch,slurm}]

Metrics are logged and written as JSON to ``WORK_DIR/TIMESTAMP/TIMESTAMP.json``. ``--out`` saves
the predicted label maps as PNG files (the evaluator's ``output_dir``). ``--show-dir`` paints
predictions into ``SHOW_DIR/vis_data/vis_image`` (a relative SHOW_DIR is relative to the
current directory, not to the work dir as mmseg's help claims), one image every
``default_hooks.visualization.interval`` (mmseg's default: 50). ``--tta`` needs ``tta_pipeline`` and ``tta_model`` in the config
(mmseg's default runtime defines ``tta_model``).
"""
import argparse
import os.path as osp
import sys

# This checkout's slim_mmseg, whatever the working directory.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.runner import Runner  # noqa: E402

from slim_mmseg.engine import (add_run_arguments, load_cli_config, parse_run_args,  # noqa: E402
                               prepare_cpu_distributed)  # (importing registers slim_mmseg's adapters)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='MMSeg test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the dir to save logs and the evaluation metrics as json')
    parser.add_argument(
        '--out', type=str, help='the dir to save the predicted label maps for offline evaluation')
    parser.add_argument('--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='dir where painted predictions are saved (in SHOW_DIR/vis_data/vis_image)')
    parser.add_argument('--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument('--tta', action='store_true', help='test time augmentation')
    add_run_arguments(parser)
    return parse_run_args(parser, argv)


def trigger_visualization_hook(cfg, args):
    if 'visualization' not in cfg.default_hooks:
        raise RuntimeError(
            '--show/--show-dir need a visualization hook: add '
            "default_hooks.visualization=dict(type='SegVisualizationHook') to the config.")
    visualization_hook = cfg.default_hooks.visualization
    visualization_hook.draw = True
    if args.show:
        visualization_hook.show = True
        visualization_hook.wait_time = args.wait_time
    if args.show_dir:
        cfg.visualizer.save_dir = args.show_dir


def use_tta(cfg):
    missing = [key for key in ('tta_pipeline', 'tta_model') if key not in cfg]
    if missing:
        raise KeyError(f'--tta needs {missing} in the config (see mmseg\'s dataset configs for '
                       'tta_pipeline and its default_runtime.py for tta_model).')
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    cfg.tta_model.module = cfg.model
    cfg.model = cfg.tta_model


def save_predictions(cfg, out_dir):
    if not isinstance(cfg.test_evaluator, dict):
        raise ValueError('--out sets output_dir of a single test_evaluator, but the config has '
                         f'{len(cfg.test_evaluator)}; set output_dir with --cfg-options instead.')
    cfg.test_evaluator.output_dir = out_dir


def main(argv=None):
    args = parse_args(argv)

    cfg = load_cli_config(args.config, args.launcher, args.cfg_options, args.work_dir)

    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        trigger_visualization_hook(cfg, args)
    if args.tta:
        use_tta(cfg)
    if args.out is not None:
        save_predictions(cfg, args.out)
    prepare_cpu_distributed(cfg)

    runner = Runner.from_cfg(cfg)
    runner.test()


if __name__ == '__main__':
    main()
