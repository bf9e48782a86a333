# TerraIncognita leave-one-domain-out, target location_43: train on the other domains' train splits, select on their crossval splits, test on every target image.
_base_ = ['../datasets/terra_incognita.py', '../schedules/pacs_adam_120e.py', '../domainbed_runtime.py']
sources = ['location_100', 'location_38', 'location_46']
targets = ['location_43']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
