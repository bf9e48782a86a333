# Table 6 ablation, PACS single-source (source art_painting): AdvStyle (ASA) + SLIM without the 'reverse'
# dictionary loss; every other setting is the full method's (only model.slim.losses is overridden).
_base_ = ['../resnet18_single_art_painting_asa-slim.py']
model = dict(slim=dict(losses=['mse', 'ortho']))
