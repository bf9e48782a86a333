# GTA5 -> Cityscapes/BDD100K/Mapillary (RobustNet protocol): ERM, deeplabv2_r101-d8.
_base_ = ['../_base_/settings/4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_768x768.py',
          '../_base_/models/deeplabv2_r101.py']
model = dict(data_preprocessor=dict(size=(768, 768)))
