# Table 6: ASA + SLIM without the 'mse' dictionary loss; all else as the full method.
_base_ = ['../asa-slim_wrn16-1_1xb64-20e_digits-style-shift.py']
model = dict(slim=dict(losses=['ortho', 'reverse']))
