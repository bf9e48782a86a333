# Evidence protocol, long schedule: PGD-AT + SLIM with the term at scale 'balanced'.
_base_ = ['./long_pgd-at_slim-mean.py']
model = dict(slim=dict(scale='balanced'))
