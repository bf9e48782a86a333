# Table 6 ablation, PACS single-source (source photo): AdvStyle (ASA) + SLIM without the 'ortho'
# dictionary loss; every other setting is the full method's (only model.slim.losses is overridden).
_base_ = ['../resnet18_single_photo_asa-slim.py']
model = dict(slim=dict(losses=['mse', 'reverse']))
