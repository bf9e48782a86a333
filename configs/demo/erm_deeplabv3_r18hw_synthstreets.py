# ERM baseline of the CPU demo: DeepLabV3 / half-width ResNet-18 (OS16) trained on SynthStreets' GTA5-
# layout source, evaluated on source-val and the style-shifted targets (overcast, foggy, dusk).
#   python tools/make_synthstreets.py --out data/synthstreets
#   python tools/train.py configs/demo/erm_deeplabv3_r18hw_synthstreets.py
_base_ = [
    '../_base_/models/deeplabv3_r18hw.py',
    '../_base_/datasets/synthstreets.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/demo_schedule.py',
]
# Batches of rescaled crops smaller than crop_size are padded to it (image 0, label 255).
crop_size = (128, 256)
data_preprocessor = dict(size=crop_size)
model = dict(data_preprocessor=data_preprocessor)
