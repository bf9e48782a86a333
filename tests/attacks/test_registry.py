"""Attacks by name (the core Registry), each building from its own command-line options, epsilon
strings, and the errors for bad names and units."""
import argparse

import pytest
from torch import nn

from slim_mmseg.attacks import (ATTACKS, PGD, SSA, SSAH, Attack, AttackContext, AutoAttackAdapter, build_attack,
                                parse_epsilon)
from slim_mmseg.core import Registry


def test_names():
    assert isinstance(ATTACKS, Registry)
    assert ATTACKS.names() == ('autoattack', 'clean', 'lafeat', 'pgd20', 'ssa', 'ssah')


def test_unknown_name_lists_the_close_and_the_registered_ones():
    with pytest.raises(KeyError, match=r"unknown attack 'pgd-20' \(did you mean 'pgd20'\?\); registered: "
                                       r'autoattack, clean, lafeat, pgd20, ssa, ssah'):
        build_attack('pgd-20', nn.Linear(2, 2))


def test_ssa_and_ssah_differ_only_in_the_low_frequency_weight():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 3))
    ssa, ssah = build_attack('ssa', model, feature_layer='0'), build_attack('ssah', model, feature_layer='0')
    assert isinstance(ssa, SSA) and isinstance(ssah, SSAH) and (ssa.lambda_lf, ssah.lambda_lf) == (0.0, 0.1)
    assert ssa.eps is None and ssah.eps is None and (ssa.name, ssah.name) == ('ssa', 'ssah')


def test_pgd20_has_twenty_steps():
    attack = build_attack('pgd20', nn.Linear(2, 2), eps=4 / 255)
    assert isinstance(attack, PGD) and attack.steps == 20 and attack.eps == 4 / 255


def command_line(argv):
    """A parser with every registered attack's options, as tools/robust_test.py builds it."""
    parser = argparse.ArgumentParser()
    for add_arguments in {ATTACKS.get(name).add_arguments.__func__: name for name in ATTACKS.names()}:
        add_arguments(Attack, parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize('name', ATTACKS.names())
def test_every_attack_builds_from_its_own_command_line_options(name, digits, tmp_path):
    model, train, _ = digits
    args = command_line(['--pgd-step-size', '0.003', '--autoattack-version', 'rand', '--lafeat-layers', 'block1',
                         'block2', '--lafeat-steps', '7', '--lafeat-train-samples', '64', '--lafeat-epochs', '1',
                         '--ssa-feature-layer', 'pool', '--ssa-steps', '9', '--ssa-batch-size', '5'])
    requested = []
    context = AttackContext(model=model, seed=4, work_dir=tmp_path, checkpoint='epoch_3.pth',
                            checkpoint_sha256='ab' * 32,
                            train_images=lambda count: requested.append(count) or train[0][:count])
    attack = build_attack(name, model, eps=8 / 255, **ATTACKS.get(name).options_from_args(args, context))
    expected = {
        'clean': {},
        'pgd20': dict(step_size=0.003, seed=4, steps=20),
        'autoattack': dict(version='rand', seed=4),
        'lafeat': dict(steps=7, layer='block2'),
        'ssa': dict(steps=9, lambda_lf=0.0),
        'ssah': dict(steps=9, lambda_lf=0.1),
    }[name]
    assert {key: getattr(attack, key) for key in expected} == expected
    assert ATTACKS.get(name).batch_size_from_args(args) == (5 if name in ('ssa', 'ssah') else None)
    if name == 'lafeat':
        assert requested == [64] and len(list((tmp_path / 'lafeat_heads').glob('epoch_3-abababababab.pth'))) == 1


def test_gradient_attacks_in_the_ball_are_the_ones_the_masking_checks_use():
    assert {name for name in ATTACKS.names() if ATTACKS.get(name).gradient_in_ball} == {'autoattack', 'lafeat', 'pgd20'}
    assert AutoAttackAdapter.calls_backward


def test_lafeat_without_a_known_placement_asks_for_layers(digits, tmp_path):
    model, train, _ = digits
    context = AttackContext(model=model, seed=0, work_dir=tmp_path, checkpoint='c.pth', checkpoint_sha256='0' * 64,
                            train_images=lambda count: train[0][:count])
    with pytest.raises(ValueError, match='give --lafeat-layers'):
        ATTACKS.get('lafeat').options_from_args(command_line([]), context)


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
