import pytest

from slim_mmseg.core import DICTIONARY_LOSSES, NORM_MODES, Registry, UnknownEntryError
from slim_mmseg.core.objectives import OBJECTIVES


class Thing:
    def __init__(self, size=1, colour='red'):
        self.size, self.colour = size, colour


@pytest.fixture
def things():
    registry = Registry('thing')
    registry.register('Thing', Thing)

    @registry.register('other')
    def other(size=2):
        return Thing(size, 'blue')

    return registry


def test_register_get_names_and_build(things):
    assert things.names() == ('Thing', 'other') and len(things) == 2 and 'other' in things
    assert things.get('Thing') is Thing
    built = things.build(dict(type='Thing', size=3), colour='green')
    assert (built.size, built.colour) == (3, 'green')
    assert things.build(dict(type='Thing', colour='black'), colour='green').colour == 'black'  # config wins
    assert things.build('other').colour == 'blue'


def test_errors_name_the_fix(things):
    with pytest.raises(UnknownEntryError, match=r"unknown thing 'thing' \(did you mean 'Thing'\?\); registered: Thing, other"):
        things.get('thing')
    with pytest.raises(ValueError, match='needs type='):
        things.build(dict(size=1))
    with pytest.raises(KeyError, match="a thing named 'other' is already registered"):
        things.register('other', Thing)
    error = pytest.raises(KeyError, things.get, 'nothing').value
    assert isinstance(error, ValueError) and not str(error).startswith('"')


def test_unregister_removes_only_that_entry(things):
    assert things.unregister('other')().colour == 'blue'
    assert things.names() == ('Thing',)


@pytest.mark.parametrize('registry,expected', [
    (DICTIONARY_LOSSES, ('mse', 'ortho', 'reverse')),
    (NORM_MODES, ('batch', 'eval', 'running')),
    (OBJECTIVES, ('MART', 'PGDAT', 'TRADES')),
])
def test_the_core_families_use_the_one_idiom(registry, expected):
    assert isinstance(registry, Registry)
    assert set(expected) <= set(registry.names())
