# digits demo: AdvStyle-Zhong + SLIM, wrn16-1.
_base_ = ['../_base_/settings/1xb64-20e_digits-style-shift.py',
          '../_base_/methods/advstyle-zhong-slim_wrn16-1.py']
