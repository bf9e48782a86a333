# Table 6 ablation, PACS single-source (source photo): AdvStyle-Zhong + SLIM without the 'ortho'
# dictionary loss; every other setting is the full method's.
_base_ = ['../resnet18_single_photo_advstyle-zhong-slim.py']
model = dict(slim=dict(losses=['mse', 'reverse']))
