# AdvStyle as the SLIM paper uses it: ASA (Zhang et al. 2023, arXiv 2301.12643), feature-level
# adversarial style augmentation with learned per-channel control factors. Settings from
# YBZh/AdvStyle: adv_weight = ADV_WEIGHT = 10.0 (imcls/scripts/run.sh); branches identity / AdvStyle /
# DSU with 1/3 each (Dassl.pytorch/dassl/modeling/ops/advstyle.py, the classification copy).
# The control factors live in the config's optimizer with the weights (run.sh's Vanilla2 trainer).
# A setting config passes its backbone's positions (configs/_base_/methods/placement_*.py).
augmentation = dict(type='ASA', adv_weight=10.0, branch_probabilities=(1 / 3, 1 / 3, 1 / 3))
# Under --launcher pytorch the step (one forward, one backward; with SLIM a routed control-factor
# gradient) runs inside StyleAugmented, which this DDP wrapper calls.
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
