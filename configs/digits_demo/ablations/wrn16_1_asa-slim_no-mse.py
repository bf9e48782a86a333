# Table 6 ablation on the digits demo: AdvStyle (ASA) + SLIM without the 'mse' dictionary loss;
# every other setting (positions, SLIM layers, lambda range, training) is the full method's.
# The slim dict sits in the StyleAugmented wrapper (model.slim), so only its 'losses' is overridden.
_base_ = ['../wrn16_1_asa-slim.py']
model = dict(slim=dict(losses=['ortho', 'reverse']))
