# SynthStreets CPU demo: ERM, deeplabv3_r18hw.
_base_ = ['../_base_/settings/1xb4-500it_synthstreets-128x256.py',
          '../_base_/models/deeplabv3_r18hw.py']
