# Evidence protocol, long schedule: PGD-AT.
_base_ = ['./_long.py']
