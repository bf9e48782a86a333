# Table 6: AdvStyle-Zhong + SLIM without the 'ortho' dictionary loss; all else as the full method.
_base_ = ['../advstyle-zhong-slim_wrn16-1_1xb64-20e_digits-style-shift.py']
model = dict(slim=dict(losses=['mse', 'reverse']))
