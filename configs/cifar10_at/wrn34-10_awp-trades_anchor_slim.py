# wrn34-10_awp-trades_anchor with SLIM in its attack: a stage output, a dictionary loss and lambda ~ U(-1, 1) drawn per batch.
_base_ = ['./wrn34-10_awp-trades_anchor.py']
model = dict(slim={{_base_.slim_stages}})
