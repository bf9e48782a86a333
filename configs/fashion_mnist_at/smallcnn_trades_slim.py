# smallcnn_trades with SLIM in its attack (a stage, a dictionary loss, lambda ~ U(-1, 1) per batch).
_base_ = ['./smallcnn_trades.py']
model = dict(slim={{_base_.slim_stages}})
