# PACS single-source, source cartoon: ERM on its train split, model selection on its
# crossval split, test on every image of the three other domains.
_base_ = ['../_base_/datasets/pacs.py', '../_base_/models/resnet18_cls.py',
          '../_base_/schedules/pacs_adam_120e.py', '../_base_/cls_runtime.py']
train_dataloader = dict(dataset=dict(domains=['cartoon']))
val_dataloader = dict(dataset=dict(domains=['cartoon']))
test_dataloader = dict(dataset=dict(domains=['art_painting', 'photo', 'sketch']))
model = dict(num_classes=7)
default_hooks = dict(checkpoint=dict(save_best='source_val_mean/accuracy', rule='greater'))
