"""A hook for subprocess runs (imported through the config's ``custom_imports``, with this
directory on ``PYTHONPATH``): every rank saves the iteration, its parameters and the optimizer
state to ``WORK_DIR/state_{before,after}_train_rank{R}.pth``. ``before_train`` runs after
``Runner.load_or_resume``, so it shows what a resumed run starts from."""
import os.path as osp

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS


@HOOKS.register_module()
class StateDumpHook(Hook):

    def before_train(self, runner):
        self._dump(runner, 'before_train')

    def after_train(self, runner):
        self._dump(runner, 'after_train')

    @staticmethod
    def _dump(runner, stage):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        torch.save(
            dict(
                iter=runner.iter,
                params={name: p.detach().clone() for name, p in model.named_parameters()},
                optimizer=runner.optim_wrapper.state_dict()),
            osp.join(runner.work_dir, f'state_{stage}_rank{get_rank()}.pth'))


def load_state_dump(work_dir, stage, rank=0):
    return torch.load(osp.join(work_dir, f'state_{stage}_rank{rank}.pth'), weights_only=True)
