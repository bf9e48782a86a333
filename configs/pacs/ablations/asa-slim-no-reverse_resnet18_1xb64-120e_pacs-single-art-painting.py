# Table 6: ASA + SLIM without the 'reverse' dictionary loss; all else as the full method.
_base_ = ['../asa-slim_resnet18_1xb64-120e_pacs-single-art-painting.py']
model = dict(slim=dict(losses=['mse', 'ortho']))
