# Evidence protocol, short schedule: trades + SLIM (a stage of three, a dictionary loss,
# lambda ~ U(-1, 1) per batch) with the term at scale 'mean' (the dictionary loss averaged over the
# feature's elements).
_base_ = ['./at_trades.py']
model = dict(slim={{_base_.slim_stages}})
