# PACS single-source, source photo: ERM on its train split, model selection on its
# crossval split, test on every image of the three other domains.
_base_ = ['../_base_/datasets/pacs.py', '../_base_/models/resnet18_cls.py',
          '../_base_/schedules/pacs_adam_120e.py', '../_base_/cls_runtime.py']
sources = ['photo']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
targets = ['art_painting', 'cartoon', 'sketch']
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
model = dict(num_classes=7)
default_hooks = dict(checkpoint=dict(save_best='source_val_mean/accuracy', rule='greater'))
