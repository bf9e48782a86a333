# digits demo: AdvStyle-Zhong, wrn16-1.
_base_ = ['../_base_/settings/1xb64-20e_digits-style-shift.py',
          '../_base_/methods/advstyle-zhong_wrn16-1.py']
