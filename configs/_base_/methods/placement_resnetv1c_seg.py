# Where each method acts on mmseg's ResNetV1c segmentation backbones (deep stem: stem.0 is the first
# conv, then norm; max-pool; layer1-4), as in the SynthStreets demo and the GTA5 configs. ASA has no
# segmentation code; these are ASA's/DSU's six classification places mapped onto V1c (our choice).
positions = dict(
    ASA=['backbone.stem.0', 'backbone.maxpool', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3',
         'backbone.layer4'],
    DSU=['backbone.stem.0', 'backbone.maxpool', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3',
         'backbone.layer4'],
    MixStyle=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
    # pAdaIN before every BatchNorm: the stem convs and every block/downsample conv.
    pAdaIN=['backbone.stem.0', 'backbone.stem.3', 'backbone.stem.6', 'backbone.layer*.conv*',
            'backbone.*downsample.0'],
)
slim_layers = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']
