"""Scripts under tools/ loaded as modules, so that tests call their functions in this process."""
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_tool(path, name=None):
    """``tools/<path>`` (e.g. ``'convert_datasets/bdd100k.py'``) as a module called ``name``
    (default: the file's stem)."""
    spec = importlib.util.spec_from_file_location(name or Path(path).stem, REPO / 'tools' / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
