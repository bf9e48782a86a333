"""Helpers of the analysis CLI tests: the tools loaded in-process, and PNG sizes."""
import importlib.util
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


def load_tool(name):
    """``tools/analysis/<name>.py`` as a module (its ``main(argv)`` runs in this process)."""
    spec = importlib.util.spec_from_file_location(f'analysis_tool_{name}', REPO_ROOT / 'tools' / 'analysis' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path):
    from PIL import Image
    with Image.open(path) as image:
        return image.size
