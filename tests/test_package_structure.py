"""Package structure: the torch-only algorithm packages import no OpenMMLab code, and no two
packages of slim_mmseg import each other (directly or round a longer loop)."""
import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / 'slim_mmseg'
OPENMMLAB = ('mmseg', 'mmengine', 'mmcv', 'mmpretrain', 'mmdet')
TORCH_ONLY = [name for name in ('core', 'attacks', 'analysis') if (PACKAGE / name).is_dir()]


# One fresh interpreter (in this one, other tests have imported OpenMMLab already) imports each
# torch-only package in turn and records the OpenMMLab modules that appeared; last, the
# registration module, which must bring mmseg in, or the probe would prove nothing.
PROBE = f"""
import sys
def openmmlab():
    return sorted(m for m in sys.modules if m.split('.')[0] in {OPENMMLAB!r})
for name in ['slim_mmseg'] + ['slim_mmseg.' + p for p in {TORCH_ONLY!r}]:
    __import__(name)
    print(name, openmmlab())
import slim_mmseg.openmmlab
print('slim_mmseg.openmmlab', 'mmseg' in sys.modules)
"""


def test_torch_only_packages_import_no_openmmlab():
    result = subprocess.run([sys.executable, '-c', PROBE], cwd=PACKAGE.parent, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines == [f'{name} []' for name in ['slim_mmseg'] + [f'slim_mmseg.{p}' for p in TORCH_ONLY]] \
        + ['slim_mmseg.openmmlab True'], result.stdout
    assert 'slim_mmseg.core []' in lines and 'slim_mmseg.analysis []' in lines


def imported_packages(path: Path):
    """The slim_mmseg subpackages (or top-level modules) that one source file imports."""
    module = '.'.join(path.relative_to(PACKAGE.parent).with_suffix('').parts)
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # ``module`` ends in the file's own name ('__init__' for a package), so level 1
                # strips exactly that part.
                base = module.split('.')[:-node.level]
                prefix = '.'.join(base + ([node.module] if node.module else []))
                names = [prefix] if node.module else [f'{prefix}.{a.name}' for a in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split('.')
            if parts[0] == 'slim_mmseg' and len(parts) > 1:
                yield parts[1]


def package_graph():
    graph = {}
    for path in PACKAGE.rglob('*.py'):
        relative = path.relative_to(PACKAGE).parts
        owner = relative[0] if len(relative) > 1 else path.stem
        graph.setdefault(owner, set()).update(p for p in imported_packages(path) if p != owner)
    return graph


def find_cycle(graph):
    """One cycle of package names, or None (depth-first search with colours)."""
    state, stack = {}, []

    def visit(node):
        state[node] = 'open'
        stack.append(node)
        for succ in sorted(graph.get(node, ())):
            if state.get(succ) == 'open':
                return stack[stack.index(succ):] + [succ]
            if succ not in state:
                cycle = visit(succ)
                if cycle:
                    return cycle
        state[node] = 'done'
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_import_cycle_between_packages():
    graph = package_graph()
    assert {'core', 'models', 'engine', 'datasets'} <= set(graph)
    assert 'models' in graph['engine']  # the hook needs the wrapper: engine -> models only
    cycle = find_cycle(graph)
    assert cycle is None, 'import cycle between slim_mmseg packages: ' + ' -> '.join(cycle)


def test_cycle_finder_finds_a_loop():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b'}, 'b': set(), 'c': {'a', 'b'}}) is None
