# Table 6: AdvStyle-Zhong + SLIM without the 'reverse' dictionary loss; all else as the full method.
_base_ = ['../advstyle-zhong-slim_resnet18_1xb64-120e_pacs-single-photo.py']
model = dict(slim=dict(losses=['mse', 'ortho']))
