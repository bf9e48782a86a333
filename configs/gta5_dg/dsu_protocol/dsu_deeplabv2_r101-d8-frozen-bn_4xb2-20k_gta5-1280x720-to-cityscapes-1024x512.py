# DSU's GTA5 protocol: DSU, deeplabv2_r101-d8-frozen-bn.
_base_ = ['../../_base_/settings/4xb2-20k_gta5-1280x720-to-cityscapes-1024x512.py',
          '../../_base_/methods/dsu_deeplabv2_r101-d8-frozen-bn.py']
model = dict(model=dict(data_preprocessor=dict(size=(720, 1280))))
