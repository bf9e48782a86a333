# SynthStreets CPU demo: trained on the GTA5-layout source, evaluated on source-val and the
# style-shifted targets (overcast, foggy, dusk). Data: python tools/make_synthstreets.py
_base_ = ['../datasets/synthstreets.py', '../default_runtime.py', '../schedules/demo_schedule.py']
# Batches of rescaled crops smaller than crop_size are padded to it (image 0, label 255).
crop_size = (128, 256)
