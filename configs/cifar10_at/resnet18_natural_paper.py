# Natural (standard) training of the Table 4 ResNet-18 in the SLIM paper's setting (batch 64, no
# augmentation, 200 epochs): Table 4's first row and Fig. 1's benign model. The classifier alone,
# no attack; tested like every AT model (clean and PGD-20 accuracy).
_base_ = ['./resnet18_pgd-at_paper.py']
model = {{_base_.natural_model}}
