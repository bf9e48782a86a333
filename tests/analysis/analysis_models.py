"""Small torch models for the analysis tests: an MLP classifier and a conv classifier with BN."""
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, inputs: int = 6, hidden: int = 5, classes: int = 3):
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.act = nn.Softplus()  # smooth: the Hessian is not piecewise zero, so the test is not vacuous
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x.flatten(1))))


class ConvClassifier(nn.Module):
    """Images in [0, 1] -> logits; ``backbone.layer1`` / ``backbone.layer2`` / ``head`` by name."""

    def __init__(self, classes: int = 3, width: int = 6):
        super().__init__()
        self.backbone = nn.Module()
        self.backbone.layer1 = nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU())
        self.backbone.layer2 = nn.Sequential(nn.Conv2d(width, width, 3, padding=1, stride=2),
                                             nn.BatchNorm2d(width), nn.ReLU())
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        features = self.backbone.layer2(self.backbone.layer1(x - 0.5))
        return self.head(features.mean(dim=(2, 3)))


def conv_classifier(seed: int = 0) -> ConvClassifier:
    torch.manual_seed(seed)
    model = ConvClassifier()
    # non-trivial BN running statistics, so that evaluation mode differs from training mode
    with torch.no_grad():
        model.train()
        model(torch.rand(16, 3, 8, 8))
    return model.train()


def image_batch(n: int = 8, seed: int = 1, classes: int = 3):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, 8, 8, generator=generator), torch.randint(0, classes, (n,), generator=generator)
