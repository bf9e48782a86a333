# Where each method acts on mmseg's ResNet (torchvision layout: conv1, bn1, maxpool, layer1-4), as
# used by the PACS (and DomainBed-style) classifiers, R18 and R50.
positions = dict(
    # ASA's lc01234 (YBZh/AdvStyle backbone/resnet.py: after conv1 before bn1, after the max-pool,
    # after layer1-4; imcls/scripts/run.sh runs resnet50_advs_lc01234 on PACS).
    ASA=['backbone.conv1', 'backbone.maxpool', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3',
         'backbone.layer4'],
    # DSU's pertubration0-5 (lixiaotong97/DSU dsu.py UResNet): the same six places.
    DSU=['backbone.conv1', 'backbone.maxpool', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3',
         'backbone.layer4'],
    # MixStyle after layer1-3 (Dassl's resnet18_ms_l123, the MixStyle paper's default).
    MixStyle=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
    # pAdaIN before every BatchNorm, i.e. after every convolution (PermutedAdaIN README.md).
    pAdaIN=['backbone.*conv*', 'backbone.*downsample.0'],
)
slim_layers = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']
# AdvStyle-Zhong rows (configs/_base_/methods/advstyle-zhong.py): the earlier PACS configs' values
# (our choice, no published value).
zhong_adversary = dict(positions=['backbone.maxpool', 'backbone.layer1', 'backbone.layer2'], steps=1,
                       step_size=0.1, rule='sign')
zhong_slim = dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'], losses=['mse', 'ortho', 'reverse'],
                  lambda_range=(-1.0, 1.0))
