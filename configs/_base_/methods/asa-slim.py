# ASA + SLIM: the control factors ascend L_task + lambda * L_dict(f_l(x), f_l(x~)) while the weights
# descend L_task only; l is drawn from the setting's slim_layers, L_dict from {mse, ortho, reverse},
# lambda ~ U(-1, 1) (the SLIM paper). See slim_mmseg/core/style_modules/slim_control.py.
_base_ = ['./asa.py']
slim = dict(losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0))
