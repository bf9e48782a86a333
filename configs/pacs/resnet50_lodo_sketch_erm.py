# PACS leave-one-domain-out, ResNet-50, target sketch: ERM on the other three domains (train
# splits), model selection on their crossval splits, test on every sketch image.
_base_ = ['../_base_/datasets/pacs.py', '../_base_/models/resnet50_cls.py',
          '../_base_/schedules/pacs_adam_120e.py', '../_base_/cls_runtime.py']
sources = ['art_painting', 'cartoon', 'photo']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
targets = ['sketch']
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
model = dict(num_classes=7)
default_hooks = dict(checkpoint=dict(save_best='source_val_mean/accuracy', rule='greater'))
