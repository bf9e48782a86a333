# Fashion-MNIST natural (standard) training of the small CNN, the baseline of the AT demo rows:
# smallcnn_pgd-at's data, schedule and test (clean and PGD-20), the classifier alone, no attack.
_base_ = ['./smallcnn_pgd-at.py']
model = {{_base_.natural_model}}
