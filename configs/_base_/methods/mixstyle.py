# MixStyle (Zhou et al., ICLR 2021): p = 0.5, alpha = 0.1, random mixing
# (KaiyangZhou/Dassl.pytorch dassl/modeling/ops/mixstyle.py). For domain-label mixing on
# multi-source data set mix='crossdomain' (needs each sample's 'domain' metainfo).
augmentation = dict(type='MixStyle', p=0.5, alpha=0.1, mix='random')
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
