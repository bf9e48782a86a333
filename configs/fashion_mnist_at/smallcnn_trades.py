# Fashion-MNIST CPU demo: TRADES (beta 6, start x + 0.001 N(0, 1), PGD-10 of 0.025 on the KL).
_base_ = ['./smallcnn_pgd-at.py']
model = dict(objective=dict(_delete_=True, type='TRADES', beta=6.0))
