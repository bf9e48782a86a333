# Table 6 ablation, PACS single-source (source sketch): AdvStyle (ASA) + SLIM without the 'mse'
# dictionary loss; every other setting is the full method's (only model.slim.losses is overridden).
_base_ = ['../resnet18_single_sketch_asa-slim.py']
model = dict(slim=dict(losses=['ortho', 'reverse']))
