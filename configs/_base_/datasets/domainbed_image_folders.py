# Shared by VLCS, OfficeHome and TerraIncognita (DomainBed's image-folder layout; see
# slim_mmseg/datasets/domainbed_folders.py): the pipelines and loaders of pacs.py, whose training
# augmentation is DomainBed's (domainbed/datasets.py, MultipleEnvironmentImageFolder), with
# DomainBed's splits: sources train on their 'in' part (80 %) and select checkpoints on their
# 'out' part (20 %, holdout_fraction=0.2, trial_seed=0); the target is tested on its 'in' part,
# the accuracy DomainBed reports (model_selection.py, training-domain validation). For every target
# image instead: --cfg-options test_dataloader.dataset.split=all
# The dataset files set the dataset type and data_root; experiment configs set the domains.
_base_ = ['./pacs.py']
train_dataloader = dict(dataset=dict(split='in'))
val_dataloader = dict(dataset=dict(split='out'))
test_dataloader = dict(dataset=dict(split='in'))
