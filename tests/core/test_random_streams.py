import pytest
import torch

from slim_mmseg.core import RandomStreams, seeded_generator


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
