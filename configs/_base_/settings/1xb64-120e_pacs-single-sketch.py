# PACS single-source, source sketch: train on its train split, select on its crossval split, test on every image of the other domains.
_base_ = ['../datasets/pacs.py', '../schedules/pacs_adam_120e.py', '../domainbed_runtime.py']
sources = ['sketch']
targets = ['art_painting', 'cartoon', 'photo']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
