# PACS single-source, source art_painting: train on its train split, select on its crossval split, test on every image of the other domains.
_base_ = ['../datasets/pacs.py', '../schedules/pacs_adam_120e.py', '../domainbed_runtime.py']
sources = ['art_painting']
targets = ['cartoon', 'photo', 'sketch']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
