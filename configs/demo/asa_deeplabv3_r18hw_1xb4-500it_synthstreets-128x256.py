# SynthStreets CPU demo: ASA, deeplabv3_r18hw.
_base_ = ['../_base_/settings/1xb4-500it_synthstreets-128x256.py',
          '../_base_/methods/asa_deeplabv3_r18hw.py']
