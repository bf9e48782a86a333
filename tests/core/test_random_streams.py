import pytest
import torch

from slim_mmseg.core import RandomStreams, seeded_generator
from slim_mmseg.core.random_streams import shared_seed, stable_seed


def test_each_stream_is_saved_under_its_name_and_resumes():
    streams = RandomStreams(start=seeded_generator(1), slim=seeded_generator(2))
    assert set(streams.state_dict()) == {'start._extra_state', 'slim._extra_state'}
    torch.rand(3, generator=streams['start'])
    saved = {k: v.clone() for k, v in streams.state_dict().items()}
    expected = torch.rand(3, generator=streams['start']), torch.rand(3, generator=streams['slim'])
    resumed = RandomStreams(start=seeded_generator(9), slim=seeded_generator(9))
    resumed.load_state_dict(saved)
    assert torch.equal(torch.rand(3, generator=resumed['start']), expected[0])
    assert torch.equal(torch.rand(3, generator=resumed['slim']), expected[1])


def test_a_stream_added_later_does_not_shift_the_others():
    old = RandomStreams(start=seeded_generator(1))
    new = RandomStreams(extra=seeded_generator(5), start=seeded_generator(7))
    new.load_state_dict(old.state_dict(), strict=False)
    assert torch.equal(torch.rand(2, generator=new['start']), torch.rand(2, generator=old['start']))


def test_a_state_of_the_wrong_size_is_refused():
    streams = RandomStreams(start=seeded_generator(1))
    with pytest.raises(ValueError, match='expected'):
        streams.load_state_dict({'start._extra_state': torch.zeros(3, dtype=torch.uint8)})


def draws(generator, n=4):
    return torch.rand(n, generator=generator)


def test_derived_streams_have_distinct_seeds_and_only_noise_depends_on_the_rank():
    rank0 = RandomStreams.derived(11, decisions=('slim', 'branch'), noise=('random_start', 'style'), rank=0)
    rank1 = RandomStreams.derived(11, decisions=('slim', 'branch'), noise=('random_start', 'style'), rank=1)
    firsts = [draws(rank0[name]) for name in ('slim', 'branch', 'random_start', 'style')]
    assert all(not torch.equal(a, b) for i, a in enumerate(firsts) for b in firsts[i + 1:])
    for name in ('slim', 'branch'):
        assert torch.equal(draws(rank1[name]), firsts[('slim', 'branch').index(name)])
    assert not torch.equal(draws(rank1['random_start']), firsts[2])
    assert not torch.equal(draws(rank1['style']), firsts[3])
    other_run = RandomStreams.derived(12, decisions=('slim',), rank=0)
    assert not torch.equal(draws(other_run['slim']), firsts[0])


def test_derived_seeds_are_stable_across_processes_and_default_to_rank_zero():
    # blake2b of repr((seed, name[, rank])): no dependence on PYTHONHASHSEED or the session.
    assert stable_seed(11, 'slim') == 4234481508045305675
    assert stable_seed(11, 'style', 1) != stable_seed(11, 'style', 0)
    default = RandomStreams.derived(11, noise=('style',))  # not distributed: rank 0
    assert torch.equal(draws(default['style']), draws(seeded_generator(stable_seed(11, 'style', 0))))
    assert shared_seed(5) == 5 and shared_seed() == torch.initial_seed()


def test_derived_names_are_checked():
    with pytest.raises(ValueError, match=r"\['slim'\] are named both"):
        RandomStreams.derived(1, decisions=('slim',), noise=('slim',))
    with pytest.raises(TypeError, match='sequence of stream names'):
        RandomStreams.derived(1, noise='style')


def test_resume_from_rank_zeros_state_continues_decisions_everywhere_and_noise_on_rank_zero():
    """mmengine saves rank 0's state dict and every rank loads it."""
    def build(rank, seed=3):
        return RandomStreams.derived(seed, decisions=('branch',), noise=('style',), rank=rank)

    ranks = [build(0), build(1)]
    for streams in ranks:
        draws(streams['branch']), draws(streams['style'])
    checkpoint = {k: v.clone() for k, v in ranks[0].state_dict().items()}
    uninterrupted = [(draws(s['branch']), draws(s['style'])) for s in ranks]
    resumed = [build(0, seed=99), build(1, seed=99)]
    for streams in resumed:
        streams.load_state_dict(checkpoint)
    continued = [(draws(s['branch']), draws(s['style'])) for s in resumed]
    assert torch.equal(continued[0][0], uninterrupted[0][0]) and torch.equal(continued[1][0], uninterrupted[1][0])
    assert torch.equal(continued[0][1], uninterrupted[0][1])  # rank 0's noise: exact
    assert not torch.equal(continued[1][1], continued[0][1])  # rank 1's noise: still its own
    again = build(1, seed=7)
    again.load_state_dict(checkpoint)
    assert torch.equal(draws(again['style']), continued[1][1])  # reproducible from the checkpoint
