# Evidence protocol, short schedule: trades + SLIM with the term at scale 'balanced'.
_base_ = ['./at_trades_slim-mean.py']
model = dict(slim=dict(scale='balanced'))
