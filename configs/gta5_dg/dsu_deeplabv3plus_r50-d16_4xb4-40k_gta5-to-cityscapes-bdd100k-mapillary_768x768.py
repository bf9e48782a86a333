# GTA5 -> Cityscapes/BDD100K/Mapillary (RobustNet protocol): DSU, deeplabv3plus_r50-d16.
_base_ = ['../_base_/settings/4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_768x768.py',
          '../_base_/methods/dsu_deeplabv3plus_r50-d16.py']
model = dict(model=dict(data_preprocessor=dict(size=(768, 768))))
