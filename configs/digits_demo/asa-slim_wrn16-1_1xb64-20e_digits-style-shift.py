# digits demo: ASA + SLIM, wrn16-1.
_base_ = ['../_base_/settings/1xb64-20e_digits-style-shift.py',
          '../_base_/methods/asa-slim_wrn16-1.py']
