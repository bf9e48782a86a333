"""A tiny CNN trained in about a second on scikit-learn's 8x8 digits, for the attack tests."""
import functools

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn


class TinyDigitsNet(nn.Module):
    """conv 1->16 (8x8), conv 16->32 stride 2 (4x4), BN, global average pool, linear -> 10 logits.
    Named stages (``block1``, ``block2``, ``pool``, ``fc``) for LAFEAT heads and SSA features."""

    def __init__(self):
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU())
        self.block2 = nn.Sequential(nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, images):
        return self.fc(self.pool(self.block2(self.block1(images))).flatten(1))


def digits_tensors():
    """(1797, 1, 8, 8) images in [0, 1] and their labels."""
    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16
    return images, torch.tensor(digits.target)


def train_digits_model(epochs=60, seed=0):
    """An undefended model (about 97 % test accuracy on the last 297 images); returns it in
    training mode with the train/test split ``(images, labels)`` pairs."""
    torch.manual_seed(seed)
    images, labels = digits_tensors()
    train, test = (images[:1500], labels[:1500]), (images[1500:], labels[1500:])
    model = TinyDigitsNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(epochs):
        for index in torch.randperm(1500).split(100):
            optimizer.zero_grad()
            F.cross_entropy(model(train[0][index]), train[1][index]).backward()
            optimizer.step()
    return model, train, test


@functools.lru_cache(maxsize=None)
def _trained_state():
    model, train, test = train_digits_model()
    return {k: v.clone() for k, v in model.state_dict().items()}, train, test


def trained_digits():
    """A fresh copy (training mode) of the model trained once per test session, and the splits."""
    state, train, test = _trained_state()
    model = TinyDigitsNet()
    model.load_state_dict(state)
    return model, train, test


class InputIgnoringNet(TinyDigitsNet):
    """Same layers, but the logits are a learned constant: the features are computed and multiplied
    by zero, so every attack's gradients through the output vanish."""

    def forward(self, images):
        features = self.pool(self.block2(self.block1(images))).flatten(1)
        return self.fc(features * 0)
