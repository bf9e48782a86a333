"""Style modules in 2 CPU processes (gloo) seeded as mmengine seeds them with
``randomness.diff_rank_seed=True`` (rank r gets seed + r): decisions (ASA's branch, the gate)
agree across ranks, so ASA's initialisation all-reduce runs on both and nothing hangs; noise differs;
a run resumed from rank 0's state dict continues the decisions on every rank and rank 0's noise."""
import torch
from gloo_processes import run_ranks
from torch import nn

STEPS, RESUME_AT = 8, 4
GATED = ('DSU', 'MixStyle', 'pAdaIN')


def tiny_model():
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1))
    g = torch.Generator().manual_seed(0)  # the same weights on both ranks, whatever their seeds
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=g) * 0.3)
    return model


def build():
    """ASA at two positions (seeded through StyleAugmentation) and one gated module of each type;
    no seed is given, so every stream derives from the run's shared seed."""
    from slim_mmseg.core.style_modules import DSU, MixStyle, PermutedAdaIN, StyleAugmentation
    model = tiny_model()
    augmentation = StyleAugmentation(model, ['0', '2'], 'ASA', run_probe=lambda: model(torch.zeros(1, 3, 8, 8)))
    gated = {'DSU': DSU(4, p=0.5), 'MixStyle': MixStyle(4, p=0.5), 'pAdaIN': PermutedAdaIN(4, p=0.5)}
    return model.train(), augmentation.train(), nn.ModuleDict(gated).train()


def step(model, augmentation, gated, index):
    x = torch.randn(4, 3, 8, 8, generator=torch.Generator().manual_seed(100 + index))  # same on both ranks
    with torch.no_grad():
        asa_out = model(x)
        feature = torch.randn(4, 4, 8, 8, generator=torch.Generator().manual_seed(200 + index))
        outs = {name: module(feature) for name, module in gated.items()}
    return dict(branches=tuple(m.last_branch for _, m in augmentation.items()), asa=asa_out,
                acted={name: not torch.equal(out, feature) for name, out in outs.items()}, gated=outs)


def worker(rank, out_dir):
    import torch.distributed as dist
    from mmengine.runner.utils import set_random_seed
    set_random_seed(2024, diff_rank_seed=True)
    initial_seed = torch.initial_seed()
    model, augmentation, gated = build()
    records = [step(model, augmentation, gated, i) for i in range(RESUME_AT)]
    if rank == 0:
        torch.save({'augmentation': augmentation.state_dict(), 'gated': gated.state_dict()}, out_dir / 'checkpoint.pt')
    dist.barrier()
    torch.manual_seed(7 + rank)  # the resumed run starts from other seeds
    resumed_model, resumed_augmentation, resumed_gated = build()
    checkpoint = torch.load(out_dir / 'checkpoint.pt')
    resumed_augmentation.load_state_dict(checkpoint['augmentation'])
    resumed_gated.load_state_dict(checkpoint['gated'])
    records += [step(model, augmentation, gated, i) for i in range(RESUME_AT, STEPS)]
    resumed = [step(resumed_model, resumed_augmentation, resumed_gated, i) for i in range(RESUME_AT, STEPS)]
    factors = [torch.cat([m.mean_factor.detach(), m.std_factor.detach()]) for _, m in augmentation.items()]
    return dict(initial_seed=initial_seed, records=records, resumed=resumed, factors=factors,
                initialized=[bool(m.initialized) for _, m in augmentation.items()])


def test_decisions_agree_noise_differs_and_resume_continues(tmp_path):
    rank0, rank1 = run_ranks(worker, 2, tmp_path)
    assert rank0['initial_seed'] != rank1['initial_seed']  # diff_rank_seed is in effect
    records = list(zip(rank0['records'], rank1['records']))

    # Decisions: the same branches and gates on both ranks, and both took every kind at least once.
    assert all(a['branches'] == b['branches'] and a['acted'] == b['acted'] for a, b in records)
    branches = {branch for a, _ in records for branch in a['branches']}
    assert branches == {'identity', 'advstyle', 'dsu'}
    assert all(any(a['acted'][name] for a, _ in records) and not all(a['acted'][name] for a, _ in records)
               for name in GATED)
    # ASA's initialisation ran as an all-reduce on both ranks: the same factors.
    assert rank0['initialized'] == rank1['initialized'] == [True, True]
    assert all(torch.equal(a, b) for a, b in zip(rank0['factors'], rank1['factors']))

    # Noise: same input on both ranks, different outputs wherever a module acted.
    for a, b in records:
        if a['branches'] != ('identity', 'identity'):
            assert not torch.equal(a['asa'], b['asa'])
        for name in GATED:
            if a['acted'][name]:
                assert not torch.equal(a['gated'][name], b['gated'][name])

    # Resume from rank 0's checkpoint: decisions continue on both ranks, noise exactly on rank 0
    # and distinct from rank 0's on rank 1.
    for rank in (rank0, rank1):
        continued = rank['records'][RESUME_AT:]
        assert [r['branches'] for r in rank['resumed']] == [r['branches'] for r in continued]
        assert [r['acted'] for r in rank['resumed']] == [r['acted'] for r in continued]
    for resumed, continued in zip(rank0['resumed'], rank0['records'][RESUME_AT:]):
        assert torch.equal(resumed['asa'], continued['asa'])
        assert all(torch.equal(resumed['gated'][n], continued['gated'][n]) for n in GATED)
    for a, b in zip(rank0['resumed'], rank1['resumed']):
        for name in GATED:
            if a['acted'][name]:
                assert not torch.equal(a['gated'][name], b['gated'][name])
