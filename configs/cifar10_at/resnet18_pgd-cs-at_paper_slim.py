# resnet18_pgd-cs-at_paper with SLIM in its attack: a stage output, a dictionary loss and lambda ~ U(-1, 1) drawn per batch.
_base_ = ['./resnet18_pgd-cs-at_paper.py']
model = dict(slim={{_base_.slim_stages}})
