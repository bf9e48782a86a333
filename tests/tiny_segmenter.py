"""A torch-only stand-in segmenter and batch for algorithm-core tests (fixtures in tests/conftest.py)."""
import torch
from torch import nn
import torch.nn.functional as F


class TinyBackbone(nn.Module):
    def __init__(self, width: int = 8):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU())
        self.layer1 = nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU())
        self.layer2 = nn.Sequential(nn.Conv2d(width, width, 3, padding=1, stride=2), nn.BatchNorm2d(width), nn.ReLU())

    def forward(self, x):
        return self.layer2(self.layer1(self.stem(x)))


class TinySegmenter(nn.Module):
    """A stand-in for any model: dotted module names, BN layers, a per-pixel classifier."""

    def __init__(self, num_classes: int = 4):
        super().__init__()
        self.backbone = TinyBackbone()
        self.head = nn.Conv2d(8, num_classes, 1)

    def forward(self, x):
        logits = self.head(self.backbone(x))
        return F.interpolate(logits, size=x.shape[-2:], mode='bilinear', align_corners=False)


def tiny_model():
    torch.manual_seed(0)
    return TinySegmenter().train()


def tiny_batch():
    g = torch.Generator().manual_seed(1)
    images = torch.randn(4, 3, 16, 16, generator=g) * 0.8 + 0.2
    labels = torch.randint(0, 4, (4, 16, 16), generator=g)
    return images, labels
