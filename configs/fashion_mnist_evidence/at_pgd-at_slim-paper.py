# Evidence protocol, short schedule: PGD-AT + SLIM with the term at scale 'paper'.
_base_ = ['./at_pgd-at_slim-mean.py']
model = dict(slim=dict(scale='paper'))
