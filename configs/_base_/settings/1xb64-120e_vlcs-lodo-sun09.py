# VLCS leave-one-domain-out, target SUN09: train on the other domains' train splits, select on their crossval splits, test on every target image.
_base_ = ['../datasets/vlcs.py', '../schedules/pacs_adam_120e.py', '../domainbed_runtime.py']
sources = ['Caltech101', 'LabelMe', 'VOC2007']
targets = ['SUN09']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
