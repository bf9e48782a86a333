# Office-Home in DomainBed's layout: data/office_home/{Art,Clipart,Product,Real World}/<class>/
# (65 classes; slim_mmseg/datasets/office_home.py, docs/classification.md).
_base_ = ['./domainbed_image_folders.py']
dataset_type = 'OfficeHomeDataset'
data_root = 'data/office_home'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
