# VLCS in DomainBed's layout: data/VLCS/{Caltech101,LabelMe,SUN09,VOC2007}/<class>/ (5 classes;
# slim_mmseg/datasets/vlcs.py, docs/classification.md).
_base_ = ['./domainbed_image_folders.py']
dataset_type = 'VLCSDataset'
data_root = 'data/VLCS'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
