# Table 6 ablation, PACS single-source (source cartoon): AdvStyle-Zhong + SLIM without the 'reverse'
# dictionary loss; every other setting is the full method's.
_base_ = ['../resnet18_single_cartoon_advstyle-zhong-slim.py']
model = dict(slim=dict(losses=['mse', 'ortho']))
