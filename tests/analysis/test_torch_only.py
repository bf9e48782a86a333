import subprocess
import sys


def test_importing_the_analyses_imports_no_openmmlab():
    code = ('import sys, slim_mmseg.analysis; '
            'print(sorted(m for m in sys.modules if m.split(".")[0] in ("mmseg", "mmengine", "mmcv")))')
    output = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == '[]'
