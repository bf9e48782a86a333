# smallcnn_pgd-cs-at with SLIM in its attack (a stage, a dictionary loss, lambda ~ U(-1, 1) per batch).
_base_ = ['./smallcnn_pgd-cs-at.py']
model = dict(slim={{_base_.slim_stages}})
