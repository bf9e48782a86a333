# TerraIncognita in DomainBed's layout: data/terra_incognita/location_{100,38,43,46}/<class>/
# (10 classes; slim_mmseg/datasets/terra_incognita.py, docs/classification.md).
_base_ = ['./domainbed_image_folders.py']
dataset_type = 'TerraIncognitaDataset'
data_root = 'data/terra_incognita'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
