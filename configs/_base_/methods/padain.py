# pAdaIN (Nuriel et al., CVPR 2021): with p = 0.01 per layer, re-style the batch with the statistics
# of a random permutation of itself (onuriel/PermutedAdaIN permutedAdaIN.py).
augmentation = dict(type='pAdaIN', p=0.01)
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
