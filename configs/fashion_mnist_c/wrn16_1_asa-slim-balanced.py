# Fashion-MNIST -> Fashion-MNIST-C, WRN-16-1: AdvStyle (ASA) + SLIM with the term at scale 'balanced'.
_base_ = ['./wrn16_1_asa-slim.py']
model = dict(slim=dict(scale='balanced'))
