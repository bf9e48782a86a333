"""Attacks by name, epsilon strings, and the errors for bad names and units."""
import pytest
from torch import nn

from slim_mmseg.attacks import ATTACKS, PGD, SSA, build_attack, parse_epsilon


def test_names():
    assert list(ATTACKS) == ['clean', 'pgd20', 'autoattack', 'lafeat', 'ssa', 'ssah']


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(KeyError, match='valid attacks: clean, pgd20, autoattack, lafeat, ssa, ssah'):
        build_attack('pgd-20', nn.Linear(2, 2))


def test_ssa_and_ssah_differ_only_in_the_low_frequency_weight():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 3))
    ssa, ssah = build_attack('ssa', model, feature_layer='0'), build_attack('ssah', model, feature_layer='0')
    assert isinstance(ssa, SSA) and (ssa.lambda_lf, ssah.lambda_lf) == (0.0, 0.1)
    assert ssa.eps is None


def test_pgd20_has_twenty_steps():
    attack = build_attack('pgd20', nn.Linear(2, 2), eps=4 / 255)
    assert isinstance(attack, PGD) and attack.steps == 20 and attack.eps == 4 / 255


@pytest.mark.parametrize('text, value', [('8/255', 8 / 255), ('0.031', 0.031), (' 4/255 ', 4 / 255), ('0', 0.0),
                                         ('0.5/255', 0.5 / 255)])
def test_parse_epsilon(text, value):
    assert parse_epsilon(text) == pytest.approx(value)


@pytest.mark.parametrize('text, message', [('8', 'not 8'), ('16/2', 'not 8'), ('eight', 'fraction such as 8/255'),
                                           ('1/0', 'fraction'), ('-1/255', '>= 0'),
                                           ('8/255/2', 'fraction')])
def test_parse_epsilon_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_epsilon(text)
