# PACS single-source, source sketch: MixStyle, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_pacs-single-sketch.py',
          '../_base_/methods/mixstyle_resnet18.py']
model = dict(model=dict(num_classes=7))
