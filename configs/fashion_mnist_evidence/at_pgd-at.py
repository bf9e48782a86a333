# Evidence protocol, short schedule: PGD-AT (the base of the SLIM rows).
_base_ = ['./_short.py']
