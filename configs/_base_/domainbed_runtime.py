# Runtime of the DomainBed-style classification settings (PACS, VLCS, Office-Home, TerraIncognita):
# the best checkpoint is the one with the best mean accuracy over the source domains' validation splits.
_base_ = ['./cls_runtime.py']
default_hooks = dict(checkpoint=dict(save_best='source_val_mean/accuracy', rule='greater'))
