# TerraIncognita leave-one-domain-out, target location_43, ResNet-18 ERM (splits and
# model selection: ../_base_/datasets/domainbed_image_folders.py).
_base_ = ['../_base_/datasets/terra_incognita.py', '../_base_/models/resnet18_cls.py',
          '../_base_/schedules/pacs_adam_120e.py', '../_base_/cls_runtime.py']
sources = ['location_100', 'location_38', 'location_46']
targets = ['location_43']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
model = dict(num_classes=10)
default_hooks = dict(checkpoint=dict(save_best='source_val_mean/accuracy', rule='greater'))
