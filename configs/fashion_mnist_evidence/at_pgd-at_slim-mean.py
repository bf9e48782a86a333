# Evidence protocol, short schedule: PGD-AT + SLIM (a stage of three, a dictionary loss,
# lambda ~ U(-1, 1) per batch) with the term at scale 'mean' (the dictionary loss averaged over the
# feature's elements).
_base_ = ['./at_pgd-at.py']
model = dict(slim={{_base_.slim_stages}})
