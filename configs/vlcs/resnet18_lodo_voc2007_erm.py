# VLCS leave-one-domain-out, target VOC2007, ResNet-18 ERM (splits and
# model selection: ../_base_/datasets/domainbed_image_folders.py).
_base_ = ['../_base_/datasets/vlcs.py', '../_base_/models/resnet18_cls.py',
          '../_base_/schedules/pacs_adam_120e.py', '../_base_/cls_runtime.py']
sources = ['Caltech101', 'LabelMe', 'SUN09']
targets = ['VOC2007']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
model = dict(num_classes=5)
default_hooks = dict(checkpoint=dict(save_best='source_val_mean/accuracy', rule='greater'))
