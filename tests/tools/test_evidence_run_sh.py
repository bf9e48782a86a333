"""tools/evidence/run.sh: the evaluation stages split their runs between the workers and report failures."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def fake_python(tmp_path, exit_code=0):
    """A PY that records its arguments instead of running anything."""
    script = tmp_path / 'py'
    script.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/calls\nexit {exit_code}\n')
    script.chmod(0o755)
    return script


@pytest.mark.parametrize('stage, tool', [('robust', 'robust_stage.py'), ('analysis', 'analysis_stage.py')])
def test_an_evaluation_stage_starts_one_shard_per_worker(tmp_path, stage, tool):
    env = dict(os.environ, PY=str(fake_python(tmp_path)), WORK_ROOT=str(tmp_path / 'root'), WORKERS='2')
    result = subprocess.run(['bash', 'tools/evidence/run.sh', stage], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=True)
    calls = sorted((tmp_path / 'calls').read_text().splitlines())
    assert calls == [f'tools/evidence/{tool} {tmp_path}/root --shard 0/2',
                     f'tools/evidence/{tool} {tmp_path}/root --shard 1/2']
    assert f'sweep {stage}: wall time' in result.stdout and '(2 worker(s))' in result.stdout


def test_a_failing_evaluation_worker_is_reported_and_the_next_stage_still_runs(tmp_path):
    env = dict(os.environ, PY=str(fake_python(tmp_path, exit_code=1)), WORK_ROOT=str(tmp_path / 'root'),
               WORKERS='1')
    result = subprocess.run(['bash', 'tools/evidence/run.sh', 'robust', 'analysis'], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert 'robust: some runs failed' in result.stderr and 'analysis: some runs failed' in result.stderr
    assert len((tmp_path / 'calls').read_text().splitlines()) == 2
