# Evidence protocol, long schedule: PGD-AT + SLIM with the term at scale 'mean'.
_base_ = ['./_long.py']
model = dict(slim={{_base_.slim_stages}})
