# Office-Home leave-one-domain-out, target Real World, ResNet-18 ERM (splits and
# model selection: ../_base_/datasets/domainbed_image_folders.py).
_base_ = ['../_base_/datasets/office_home.py', '../_base_/models/resnet18_cls.py',
          '../_base_/schedules/pacs_adam_120e.py', '../_base_/cls_runtime.py']
sources = ['Art', 'Clipart', 'Product']
targets = ['Real World']
train_dataloader = dict(dataset=dict(domains=sources))
val_dataloader = dict(dataset=dict(domains=sources))
test_dataloader = dict(dataset=dict(domains=targets))
val_evaluator = dict(target_domains=sources)
test_evaluator = dict(target_domains=targets)
model = dict(num_classes=65)
default_hooks = dict(checkpoint=dict(save_best='source_val_mean/accuracy', rule='greater'))
