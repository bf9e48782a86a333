# Table 6 ablation on the digits demo: AdvStyle + SLIM without the 'mse' dictionary loss; every
# other setting (layers, lambda range, adversary, training) is the full method's.
_base_ = ['../wrn16_1_advstyle_slim.py']
model = dict(slim=dict(losses=['ortho', 'reverse']))
