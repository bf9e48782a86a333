# PACS leave-one-domain-out, target sketch: train on the other domains' train splits, select on their crossval splits, test on every target image.
_base_ = ['../datasets/pacs.py', '../schedules/pacs_adam_120e.py', '../domainbed_runtime.py']
sources = ['art_painting', 'cartoon', 'photo']
targets = ['sketch']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
