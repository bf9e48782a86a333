# Where each method acts on our WideResNet (conv1, layer1-3, pre-activation blocks), as used by the
# CIFAR-10-C (WRN-40-2) and digits (WRN-16-1) configs. No anchor gives positions for WRN: these
# transfer ASA's/DSU's "after the stem conv and after every stage" and MixStyle's "after all stages
# but the last" (our choice).
positions = dict(
    ASA=['backbone.conv1', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
    DSU=['backbone.conv1', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
    MixStyle=['backbone.layer1', 'backbone.layer2'],
    # pAdaIN before every BatchNorm: after each convolution and projection shortcut.
    pAdaIN=['backbone.*conv*', 'backbone.*shortcut'],
)
slim_layers = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3']
zhong_adversary = dict(positions=['backbone.conv1', 'backbone.layer1', 'backbone.layer2'], steps=1,
                       step_size=0.1, rule='sign')
zhong_slim = dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'], losses=['mse', 'ortho', 'reverse'],
                  lambda_range=(-1.0, 1.0))
