# Evidence protocol, short schedule, the attack-strength control: PGD-AT with its training attack
# weakened to a step of 0.00625 (PGD-10, eps 0.1); docs/evidence.md says how the step is chosen.
_base_ = ['./at_pgd-at.py']
model = dict(attack=dict(step_size=0.00625))
