# SynthStreets CPU demo: ASA + SLIM with the term at scale 'balanced' (|lambda| is its push relative to the task's).
_base_ = ['../asa-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py']
model = dict(slim=dict(scale='balanced'))
