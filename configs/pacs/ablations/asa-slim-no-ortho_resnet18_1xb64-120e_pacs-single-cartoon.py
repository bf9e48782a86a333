# Table 6: ASA + SLIM without the 'ortho' dictionary loss; all else as the full method.
_base_ = ['../asa-slim_resnet18_1xb64-120e_pacs-single-cartoon.py']
model = dict(slim=dict(losses=['mse', 'reverse']))
