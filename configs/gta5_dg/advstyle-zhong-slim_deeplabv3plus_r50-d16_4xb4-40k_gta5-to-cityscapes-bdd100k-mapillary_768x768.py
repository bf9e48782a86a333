# AdvStyle-Zhong (image-level) + SLIM: each adversarial step also draws a backbone stage, a dictionary loss and a
# weight lambda in [-1, 1], and adds lambda * loss(clean feature, adversarial feature) to the
# ascent (see slim_mmseg/core). Everything else is the AdvStyle config.
_base_ = ['./advstyle-zhong_deeplabv3plus_r50-d16_4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_768x768.py']
model = dict(
    slim=dict(
        _delete_=True,  # the AdvStyle base has slim=None
        layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4'],
        losses=['mse', 'ortho', 'reverse'],
        lambda_range=(-1.0, 1.0)))
