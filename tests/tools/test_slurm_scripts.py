"""tools/slurm_train.sh and tools/slurm_test.sh: valid bash, the srun command line of mmseg's
convention (a stand-in ``srun`` on PATH prints its arguments), and the launcher the tools accept."""
import importlib.util
import os
import subprocess

import pytest
from tiny_experiment import REPO_ROOT

TOOLS = REPO_ROOT / 'tools'


@pytest.fixture
def fake_srun(tmp_path):
    """PATH with an ``srun`` that prints one argument per line."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'
    srun.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    srun.chmod(0o755)
    return dict(os.environ, PATH=f'{bin_dir}:{os.environ["PATH"]}', GPUS='16', GPUS_PER_NODE='8',
                CPUS_PER_TASK='6', SRUN_ARGS='--quotatype=auto --time=1:00:00', PYTHON='python3')


def run(script, *args, env):
    return subprocess.run(['bash', str(TOOLS / script), *args], env=env, capture_output=True, text=True)


@pytest.mark.parametrize('script', ['slurm_train.sh', 'slurm_test.sh', 'slurm_launch.sh', 'dist_train.sh', 'dist_test.sh', 'dist_launch.sh'])
def test_scripts_are_valid_bash(script):
    assert subprocess.run(['bash', '-n', str(TOOLS / script)]).returncode == 0


def test_slurm_train_runs_one_train_py_per_gpu_with_the_slurm_launcher(fake_srun):
    result = run('slurm_train.sh', 'gpu', 'slim-asa', 'configs/x.py', 'work_dirs/x', '--amp', env=fake_srun)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        '-p', 'gpu', '--job-name=slim-asa', '--gres=gpu:8', '--ntasks=16', '--ntasks-per-node=8',
        '--cpus-per-task=6', '--kill-on-bad-exit=1', '--quotatype=auto', '--time=1:00:00',
        'python3', '-u', str(TOOLS / 'train.py'), 'configs/x.py', '--work-dir', 'work_dirs/x', '--launcher=slurm',
        '--amp']


def test_slurm_train_without_work_dir_passes_the_options_on(fake_srun):
    result = run('slurm_train.sh', 'gpu', 'job', 'configs/x.py', '--resume', env=fake_srun)
    assert result.stdout.splitlines()[-4:] == [str(TOOLS / 'train.py'), 'configs/x.py', '--launcher=slurm',
                                              '--resume']


def test_slurm_test_passes_config_and_checkpoint(fake_srun):
    result = run('slurm_test.sh', 'gpu', 'job', 'configs/x.py', 'iter_40000.pth', '--work-dir', 'w', env=fake_srun)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-7:] == ['-u', str(TOOLS / 'test.py'), 'configs/x.py', 'iter_40000.pth',
                                              '--launcher=slurm', '--work-dir', 'w']


@pytest.mark.parametrize('script, args', [('slurm_train.sh', ['gpu', 'job']),
                                          ('slurm_test.sh', ['gpu', 'job', 'c.py'])])
def test_missing_arguments_print_the_usage(script, args, fake_srun):
    result = run(script, *args, env=fake_srun)
    assert result.returncode == 2 and 'usage:' in result.stderr and result.stdout == ''


@pytest.mark.parametrize('tool', ['train.py', 'test.py'])
def test_tools_accept_the_slurm_launcher(tool):
    spec = importlib.util.spec_from_file_location(f'{tool[:-3]}_tool', TOOLS / tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = ['config.py', '--launcher', 'slurm'] if tool == 'train.py' else ['config.py', 'c.pth', '--launcher=slurm']
    assert module.parse_args(args).launcher == 'slurm'
