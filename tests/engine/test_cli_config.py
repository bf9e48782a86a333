"""The run options mmseg's train and test tools share: parsed values and the LOCAL_RANK export."""
import argparse
import os

import pytest

from slim_mmseg.engine import add_run_arguments, parse_run_args


def parser():
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    return parser


def test_options_parse_into_a_dict_and_a_launcher(monkeypatch):
    monkeypatch.setenv('LOCAL_RANK', '0')
    args = parse_run_args(parser(), ['--cfg-options', 'a.b=1', 'c=x,y', '--launcher', 'slurm'])
    assert args.cfg_options == {'a.b': 1, 'c': ['x', 'y']} and args.launcher == 'slurm'
    with pytest.raises(SystemExit):
        parse_run_args(parser(), ['--launcher', 'mpi'])


def test_local_rank_is_exported_unless_the_launcher_set_it(monkeypatch):
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    assert parse_run_args(parser(), ['--local-rank', '3']).local_rank == 3
    assert os.environ['LOCAL_RANK'] == '3'
    parse_run_args(parser(), ['--local_rank', '5'])
    assert os.environ['LOCAL_RANK'] == '3'
