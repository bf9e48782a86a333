# DSU (Li et al., ICLR 2022): feature statistics resampled with the batch-estimated uncertainty,
# p = 0.5 (lixiaotong97/DSU dsu.py, uresnet18(uncertainty=0.5)).
augmentation = dict(type='DSU', p=0.5)
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
