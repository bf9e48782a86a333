"""SynthStreets: a procedural stand-in for GTA5 -> {Cityscapes, ...} domain generalisation.

Street scenes are drawn in perspective (a road vanishing at the horizon, sidewalks, building facades
with windows or a park with terrain, trees, a wall or fence, and cars, trucks, buses, persons, riders
with bicycles or motorcycles, poles with traffic signs and lights) and labelled with Cityscapes label
ids. Every image comes from its own numpy Generator seeded by (seed, domain, split, index), so the same
seed gives byte-identical files and changing one count never changes the other images.

All domains share ONE layout distribution; they differ in style only:

- ``gta5`` (source): vivid, sharp, clean renderings, written in the real GTA5 layout with label ids.
- ``overcast``: washed-out, desaturated, greenish-grey palette, dirtier (stronger) surface texture and
  slight blur, i.e. a GTA5 -> Cityscapes-like look.
- ``foggy``: depth-dependent fog (far things fade into a grey veil) and blur.
- ``dusk``: dark, warm-tinted, low-contrast illumination with strong sensor noise.

Targets are written in the real Cityscapes layout with train ids, so mmseg's CityscapesDataset reads
them unchanged. ``tools/make_synthstreets.py`` is the command-line entry point.
"""
import json
import os
import os.path as osp
import shutil
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, Optional, Tuple

import cv2
import numpy as np
from PIL import Image

from .cityscapes_labels import LABEL_ID_LOOKUP, LABEL_NAME_TO_ID, TRAIN_PALETTE

GENERATOR_VERSION = 2
MANIFEST_NAME = 'synthstreets.json'
SOURCE_DOMAIN = 'gta5'
TARGET_DOMAINS = ('overcast', 'foggy', 'dusk')
# One invented city per target split; Cityscapes file names are <city>_<sequence>_<frame>_<suffix>.
TARGET_CITIES = {'train': 'westville', 'val': 'eastville'}
DEFAULT_OUT = 'data/synthstreets'
MAKE_COMMAND = f'python tools/make_synthstreets.py --out {DEFAULT_OUT}'

_ID = LABEL_NAME_TO_ID
# Sky and everything at the horizon get this depth: far enough for fog to fully cover them.
_FAR = 60.0


@dataclass(frozen=True)
class SynthStreetsSpec:
    """What to generate. The defaults are the demo dataset; tests use tiny counts and sizes."""
    seed: int = 0
    height: int = 128
    width: int = 256
    source_train: int = 400
    source_val: int = 50
    target_train: int = 50
    target_val: int = 50
    targets: Tuple[str, ...] = TARGET_DOMAINS

    def manifest(self) -> dict:
        # JSON round trip: the manifest on disk (lists, not tuples) must compare equal to a fresh one.
        return json.loads(json.dumps(dict(generator_version=GENERATOR_VERSION, **asdict(self))))


class _Canvas:
    """Label ids, RGB albedo and depth of one scene, painted back to front."""

    def __init__(self, height: int, width: int):
        self.height, self.width = height, width
        self.label = np.full((height, width), _ID['sky'], np.uint8)
        self.albedo = np.zeros((height, width, 3), np.uint8)
        self.depth = np.full((height, width), _FAR, np.float32)

    def polygon(self, points, label: Optional[int], color, depth: Optional[float] = None):
        pts = [np.round(np.asarray(points, np.float64)).astype(np.int32)]
        cv2.fillPoly(self.albedo, pts, _rgb(color))
        if label is not None:
            cv2.fillPoly(self.label, pts, int(label))
        if depth is not None:
            cv2.fillPoly(self.depth, pts, float(depth))

    def rect(self, x0, y0, x1, y1, label, color, depth=None):
        self.polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], label, color, depth)

    def ellipse(self, cx, cy, rx, ry, label, color, depth=None, thickness=-1):
        center = (int(round(cx)), int(round(cy)))
        axes = (max(1, int(round(rx))), max(1, int(round(ry))))
        cv2.ellipse(self.albedo, center, axes, 0, 0, 360, _rgb(color), thickness)
        if label is not None:
            cv2.ellipse(self.label, center, axes, 0, 0, 360, int(label), thickness)
        if depth is not None:
            cv2.ellipse(self.depth, center, axes, 0, 0, 360, float(depth), thickness)

    def line(self, p0, p1, width, label, color, depth=None):
        a = (int(round(p0[0])), int(round(p0[1])))
        b = (int(round(p1[0])), int(round(p1[1])))
        w = max(1, int(round(width)))
        cv2.line(self.albedo, a, b, _rgb(color), w)
        cv2.line(self.label, a, b, int(label), w)
        if depth is not None:
            cv2.line(self.depth, a, b, float(depth), w)


def _rgb(color) -> Tuple[int, int, int]:
    return tuple(min(255, max(0, int(round(float(c))))) for c in color)


def _jitter(rng: np.random.Generator, color, amount: float = 18.0) -> np.ndarray:
    return np.clip(np.asarray(color, np.float64) + rng.normal(0, amount, 3), 0, 255)


class _Street:
    """Perspective of a straight street: ground point (lateral L, nearness t) -> pixel.

    L is measured in pixels at the bottom image row; t = 1 at the bottom row and 0 at the horizon, so an
    object of size s (bottom-row pixels) at nearness t is s * t pixels large and has depth 1 / t.
    """

    def __init__(self, rng: np.random.Generator, height: int, width: int):
        self.h, self.w = height, width
        self.horizon = height * rng.uniform(0.36, 0.48)
        self.vx = width * rng.uniform(0.35, 0.65)
        self.road = (-width * rng.uniform(0.35, 0.6), width * rng.uniform(0.35, 0.6))
        self.sidewalk = (width * rng.uniform(0.12, 0.35), width * rng.uniform(0.12, 0.35))

    def point(self, lateral: float, t: float) -> Tuple[float, float]:
        return self.vx + t * lateral, self.horizon + t * (self.h - self.horizon)

    def strip(self, l0: float, l1: float, t0: float = 0.0, t1: float = 1.05):
        return [self.point(l0, t0), self.point(l1, t0), self.point(l1, t1), self.point(l0, t1)]

    def wall_quad(self, lateral: float, t0: float, t1: float, h0: float, h1: float):
        """A vertical plane at ``lateral`` between nearness t0..t1 and heights h0..h1 (bottom-row px)."""
        (x0, y0), (x1, y1) = self.point(lateral, t0), self.point(lateral, t1)
        return [(x0, y0 - t0 * h0), (x1, y1 - t1 * h0), (x1, y1 - t1 * h1), (x0, y0 - t0 * h1)]


def _paint_ground(c: _Canvas, s: _Street, rng: np.random.Generator, sides: Dict[str, str]):
    rows = np.arange(c.height, dtype=np.float32)[:, None]
    t = np.clip((rows + 0.5 - s.horizon) / (c.height - s.horizon), 1e-3, None)
    ground = np.broadcast_to(rows > s.horizon, c.depth.shape)
    c.depth[ground] = np.broadcast_to(np.minimum(1.0 / t, _FAR), c.depth.shape)[ground]

    left_edge, right_edge = s.road[0] - s.sidewalk[0], s.road[1] + s.sidewalk[1]
    far_side = 8.0 * c.width
    for lateral, outer, side in ((left_edge, -far_side, 'left'), (right_edge, far_side, 'right')):
        ground_name = 'terrain' if sides[side] == 'park' else 'sidewalk'
        base = (120, 150, 70) if ground_name == 'terrain' else (165, 155, 150)
        c.polygon(s.strip(outer, lateral), _ID[ground_name], _jitter(rng, base, 15))
    sidewalk_color = _jitter(rng, (165, 155, 150), 15)
    c.polygon(s.strip(left_edge, right_edge), _ID['sidewalk'], sidewalk_color)
    c.polygon(s.strip(*s.road), _ID['road'], _jitter(rng, (78, 78, 84), 10))
    curb = np.clip(sidewalk_color * 1.15, 0, 255)
    for edge, outward in ((s.road[0], -1), (s.road[1], 1)):
        c.polygon(s.strip(edge + outward * 0.025 * c.width, edge), _ID['sidewalk'], curb)

    marking = _jitter(rng, (235, 235, 225), 8)
    lanes = int(rng.integers(1, 3))
    for k in range(1, lanes + 1):
        lateral = s.road[0] + (s.road[1] - s.road[0]) * k / (lanes + 1)
        depth, dash = 1.0, rng.uniform(0.8, 1.5)
        while depth < 40:
            t_near, t_far = 1.0 / depth, 1.0 / (depth + dash)
            c.polygon(s.strip(lateral - 0.012 * c.width, lateral + 0.012 * c.width, t_far, t_near),
                      _ID['road'], marking)
            depth += 2.2 * dash


_FACADE_COLORS = ((196, 178, 140), (150, 72, 55), (130, 130, 135), (225, 220, 205), (110, 85, 65),
                  (175, 150, 120), (95, 105, 120))


def _paint_buildings(c: _Canvas, s: _Street, rng: np.random.Generator, lateral: float):
    segments = []
    depth = rng.uniform(0.6, 0.9)
    while depth < _FAR:
        nxt = depth * rng.uniform(1.3, 2.3)
        segments.append((1.0 / nxt, 1.0 / depth))
        depth = nxt
    for t0, t1 in segments:  # far to near: nearer facades cover farther ones
        height = c.height * rng.uniform(0.8, 2.6)
        color = _jitter(rng, _FACADE_COLORS[rng.integers(len(_FACADE_COLORS))], 12)
        mid_depth = 2.0 / (t0 + t1)
        c.polygon(s.wall_quad(lateral, t0, t1, 0, height), _ID['building'], color, mid_depth)
        glass = _rgb(_jitter(rng, (70, 85, 110), 15))
        floor = c.height * rng.uniform(0.16, 0.24)
        columns = max(1, min(8, int((1.0 / t0 - 1.0 / t1) / 0.35)))
        for floor_base in np.arange(floor * 0.6, height - floor * 0.5, floor):
            for k in range(columns):
                d0 = 1.0 / t1 + (1.0 / t0 - 1.0 / t1) * (k + 0.25) / columns
                d1 = 1.0 / t1 + (1.0 / t0 - 1.0 / t1) * (k + 0.75) / columns
                c.polygon(s.wall_quad(lateral, 1.0 / d1, 1.0 / d0, floor_base, floor_base + 0.5 * floor),
                          None, glass)


def _paint_park(c: _Canvas, s: _Street, rng: np.random.Generator, lateral: float, side: int):
    treeline = _jitter(rng, (55, 105, 45), 12)
    for _ in range(int(rng.integers(6, 14))):
        t = 1.0 / rng.uniform(3.0, 40.0)
        x, y = s.point(lateral + side * c.width * rng.uniform(0.1, 3.0), t)
        r = t * c.height * rng.uniform(0.4, 1.0)
        c.ellipse(x, y - r * 0.8, r, r * 1.1, _ID['vegetation'], _jitter(rng, treeline, 10), 1.0 / t)
    barrier = 'wall' if rng.random() < 0.5 else 'fence'
    height = c.height * rng.uniform(0.12, 0.3)
    if barrier == 'wall':
        c.polygon(s.wall_quad(lateral, 0.02, 1.3, 0, height), _ID['wall'],
                  _jitter(rng, (160, 150, 135), 15), 4.0)
        return
    color = _jitter(rng, (120, 95, 70) if rng.random() < 0.5 else (150, 150, 155), 12)
    for h in (0.2, 0.85):
        c.polygon(s.wall_quad(lateral, 0.02, 1.3, height * (h - 0.1), height * (h + 0.1)), _ID['fence'],
                  color, 4.0)
    depth = 1.0 / 1.3
    while depth < 45:
        t = 1.0 / depth
        c.polygon(s.wall_quad(lateral, t / (1 + 0.12 * t), t, 0, height), _ID['fence'], color, depth)
        depth += 0.5


def _paint_skyline(c: _Canvas, s: _Street, rng: np.random.Generator):
    x = s.vx - c.width * rng.uniform(0.2, 0.4)
    end = s.vx + c.width * rng.uniform(0.2, 0.4)
    while x < end:
        w = c.width * rng.uniform(0.03, 0.09)
        top = s.horizon - c.height * rng.uniform(0.02, 0.12)
        c.rect(x, top, x + w, s.horizon + 1, _ID['building'],
               _jitter(rng, _FACADE_COLORS[rng.integers(len(_FACADE_COLORS))], 10), _FAR * 0.9)
        x += w


def _paint_sky(c: _Canvas, rng: np.random.Generator):
    top, bottom = _jitter(rng, (70, 130, 215), 12), _jitter(rng, (175, 205, 235), 10)
    ramp = np.linspace(0, 1, c.height)[:, None, None]
    c.albedo[:] = np.round(top * (1 - ramp) + bottom * ramp).astype(np.uint8)


def _car(c, s, rng, t, lateral):
    w = t * c.width * rng.uniform(0.28, 0.4)
    h = w * rng.uniform(0.5, 0.62)
    x, y = s.point(lateral, t)
    body = _jitter(rng, rng.uniform(20, 235, 3), 0)
    car = _ID['car']
    c.polygon([(x - w * 0.35, y - h), (x + w * 0.35, y - h), (x + w * 0.45, y - h * 0.55),
               (x - w * 0.45, y - h * 0.55)], car, body * 0.9, 1 / t)
    c.rect(x - w * 0.3, y - h * 0.92, x + w * 0.3, y - h * 0.6, None, (40, 50, 60))
    c.rect(x - w / 2, y - h * 0.58, x + w / 2, y - h * 0.15, car, body, 1 / t)
    for side in (-1, 1):
        c.ellipse(x + side * w * 0.32, y - h * 0.12, w * 0.1, h * 0.13, car, (25, 25, 25), 1 / t)
        c.rect(x + side * w * 0.42 - w * 0.04, y - h * 0.5, x + side * w * 0.42 + w * 0.04,
               y - h * 0.4, None, (240, 220, 120) if side > 0 else (200, 40, 30))


def _truck(c, s, rng, t, lateral):
    w = t * c.width * rng.uniform(0.4, 0.5)
    h = w * rng.uniform(0.9, 1.2)
    x, y = s.point(lateral, t)
    truck = _ID['truck']
    c.rect(x - w / 2, y - h, x + w / 2, y - h * 0.2, truck, _jitter(rng, (200, 200, 195), 30), 1 / t)
    c.rect(x - w * 0.45, y - h * 0.3, x + w * 0.45, y - h * 0.05, truck,
           _jitter(rng, rng.uniform(40, 220, 3), 0), 1 / t)
    for side in (-1, 1):
        c.ellipse(x + side * w * 0.35, y - h * 0.06, w * 0.08, h * 0.07, truck, (25, 25, 25), 1 / t)


def _bus(c, s, rng, t, lateral):
    w = t * c.width * rng.uniform(0.42, 0.52)
    h = w * rng.uniform(0.95, 1.15)
    x, y = s.point(lateral, t)
    bus = _ID['bus']
    c.rect(x - w / 2, y - h, x + w / 2, y - h * 0.08, bus,
           _jitter(rng, ((210, 40, 35), (235, 190, 40), (40, 90, 170))[rng.integers(3)], 15), 1 / t)
    c.rect(x - w * 0.44, y - h * 0.9, x + w * 0.44, y - h * 0.55, None, (45, 55, 70))
    c.rect(x - w * 0.3, y - h * 0.12, x + w * 0.3, y - h * 0.02, bus, (30, 30, 30), 1 / t)


def _person(c, s, rng, t, lateral, label=None, scale=1.0, lift=0.0):
    label = _ID['person'] if label is None else label
    h = scale * t * c.height * rng.uniform(0.55, 0.75)
    x, y = s.point(lateral, t)
    y -= lift
    w = h * 0.28
    skin = _jitter(rng, (205, 160, 130), 25)
    shirt = rng.uniform(20, 235, 3)
    trousers = _jitter(rng, (50, 55, 80), 25)
    depth = 1 / t
    for side in (-1, 1):
        c.rect(x + side * w * 0.3 - w * 0.14, y - h * 0.48, x + side * w * 0.3 + w * 0.14, y,
               label, trousers, depth)
    c.rect(x - w / 2, y - h * 0.82, x + w / 2, y - h * 0.45, label, shirt, depth)
    c.ellipse(x, y - h * 0.9, w * 0.3, h * 0.09, label, skin, depth)


def _cycle(c, s, rng, t, lateral):
    motor = rng.random() < 0.35
    label = _ID['motorcycle'] if motor else _ID['bicycle']
    w = t * c.width * (0.24 if motor else 0.2)
    x, y = s.point(lateral, t)
    r = w * 0.22
    frame = _jitter(rng, (40, 40, 45) if motor else rng.uniform(30, 220, 3), 10)
    depth = 1 / t
    for side in (-1, 1):
        c.ellipse(x + side * (w / 2 - r), y - r, r, r, label, (20, 20, 20), depth,
                  thickness=max(1, int(round(r * 0.45))))
    c.line((x - w / 2 + r, y - r), (x, y - 2.2 * r), max(1, r * 0.4), label, frame, depth)
    c.line((x, y - 2.2 * r), (x + w / 2 - r, y - r), max(1, r * 0.4), label, frame, depth)
    if motor:
        c.ellipse(x, y - 1.8 * r, w * 0.3, r * 0.7, label, frame, depth)
    _person(c, s, rng, t, lateral, _ID['rider'], scale=0.75, lift=1.6 * r)


def _pole(c, s, rng, t, lateral):
    h = t * c.height * rng.uniform(1.3, 2.0)
    w = max(1.5, t * c.width * 0.022)
    x, y = s.point(lateral, t)
    depth = 1 / t
    c.rect(x - w / 2, y - h, x + w / 2, y, _ID['pole'], _jitter(rng, (135, 135, 140), 15), depth)
    kind = rng.random()
    at = y - h * rng.uniform(0.45, 0.7)
    size = t * c.width * 0.07
    if kind < 0.45:
        color = ((200, 30, 30), (30, 70, 180), (235, 200, 30), (235, 235, 235))[rng.integers(4)]
        if rng.random() < 0.5:
            c.ellipse(x, at, size, size, _ID['traffic sign'], color, depth)
        else:
            c.polygon([(x - size, at + size), (x + size, at + size), (x, at - size)],
                      _ID['traffic sign'], color, depth)
    elif kind < 0.8:
        c.rect(x - size * 0.45, at - size * 1.4, x + size * 0.45, at + size * 1.4, _ID['traffic light'],
               (35, 35, 35), depth)
        lit = rng.integers(3)
        for k, lamp in enumerate(((230, 40, 30), (240, 190, 30), (40, 220, 90))):
            shade = lamp if k == lit else tuple(v * 0.3 for v in lamp)
            c.ellipse(x, at + (k - 1) * size * 0.9, size * 0.3, size * 0.3, None, shade)


def _tree(c, s, rng, t, lateral):
    h = t * c.height * rng.uniform(0.8, 1.4)
    x, y = s.point(lateral, t)
    depth = 1 / t
    c.rect(x - t * c.width * 0.01, y - h * 0.6, x + t * c.width * 0.01, y, _ID['vegetation'],
           _jitter(rng, (90, 65, 45), 10), depth)
    crown = _jitter(rng, (60, 120, 45), 15)
    for _ in range(3):
        r = h * rng.uniform(0.22, 0.35)
        c.ellipse(x + rng.uniform(-0.3, 0.3) * r, y - h * 0.65 - rng.uniform(0, 0.4) * r, r, r * 1.05,
                  _ID['vegetation'], _jitter(rng, crown, 10), depth)


def _bin(c, s, rng, t, lateral):
    x, y = s.point(lateral, t)
    w, h = t * c.width * 0.05, t * c.height * 0.18
    c.rect(x - w / 2, y - h, x + w / 2, y, _ID['static'], _jitter(rng, (60, 90, 60), 20), 1 / t)


def _objects(s: _Street, rng: np.random.Generator):
    """(nearness, lateral, painter) of every object in the scene."""
    road0, road1 = s.road
    walk0, walk1 = road0 - s.sidewalk[0], road1 + s.sidewalk[1]
    margin = 0.15 * s.w
    items = []

    def add(count, painter, low, high, t_range):
        for _ in range(count):
            items.append((rng.uniform(*t_range), low + (high - low) * rng.random(), painter))

    add(int(rng.integers(1, 7)), _car, road0 + margin, road1 - margin, (0.08, 0.75))
    add(int(rng.random() < 0.35), _truck, road0 + margin, road1 - margin, (0.08, 0.5))
    add(int(rng.random() < 0.25), _bus, road0 + margin, road1 - margin, (0.08, 0.5))
    add(int(rng.integers(0, 4)), _person, walk0, road0, (0.1, 0.9))
    add(int(rng.integers(0, 4)), _person, road1, walk1, (0.1, 0.9))
    add(int(rng.random() < 0.4) + int(rng.random() < 0.2), _cycle, road0, road0 + margin, (0.15, 0.8))
    add(int(rng.integers(0, 3)), _pole, road0 - 0.03 * s.w, road0 - 0.01 * s.w, (0.15, 0.9))
    add(int(rng.integers(0, 3)), _pole, road1 + 0.01 * s.w, road1 + 0.03 * s.w, (0.15, 0.9))
    for outer, inner in ((walk0, road0), (walk1, road1)):
        add(int(rng.integers(0, 3)), _tree, outer, outer + 0.3 * (inner - outer), (0.1, 0.8))
    add(int(rng.random() < 0.5), _bin, walk0, road0, (0.15, 0.8))
    items.sort(key=lambda item: item[0])
    return items


def _paint_void(c: _Canvas, rng: np.random.Generator):
    """Non-class label ids (ego vehicle hood, unlabeled specks) that real GTA5 labels also contain."""
    if rng.random() < 0.3:
        top = c.height - c.height * rng.uniform(0.05, 0.1)
        c.polygon([(0, c.height), (0, top + 4), (c.width * 0.3, top), (c.width * 0.7, top),
                   (c.width, top + 4), (c.width, c.height)], _ID['ego vehicle'],
                  _jitter(rng, (40, 40, 48), 10), 1.0)
    if rng.random() < 0.5:
        x, y = rng.uniform(0, c.width - 6), rng.uniform(0, c.height - 6)
        c.rect(x, y, x + rng.uniform(2, 5), y + rng.uniform(2, 5), _ID['unlabeled'], rng.uniform(0, 255, 3))


def render_scene(rng: np.random.Generator, height: int, width: int):
    """Sample one street scene: (label ids HxW uint8, albedo HxWx3 RGB uint8, depth HxW float32)."""
    c = _Canvas(height, width)
    s = _Street(rng, height, width)
    sides = {side: ('park' if rng.random() < 0.35 else 'buildings') for side in ('left', 'right')}
    _paint_sky(c, rng)
    _paint_skyline(c, s, rng)
    _paint_ground(c, s, rng, sides)
    for side, sign, lateral in (('left', -1, s.road[0] - s.sidewalk[0]),
                                ('right', 1, s.road[1] + s.sidewalk[1])):
        if sides[side] == 'park':
            _paint_park(c, s, rng, lateral, sign)
        else:
            _paint_buildings(c, s, rng, lateral)
    for t, lateral, painter in _objects(s, rng):
        painter(c, s, rng, t, lateral)
    _paint_void(c, rng)
    return c.label, c.albedo, c.depth


def _smooth_noise(rng: np.random.Generator, height: int, width: int, cells: int) -> np.ndarray:
    coarse = rng.standard_normal((cells, 2 * cells)).astype(np.float32)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)


def _texture(rng, albedo: np.ndarray, label: np.ndarray, strength: float, grain: float) -> np.ndarray:
    """Surface texture: blotchy low-frequency shading, leafy speckle on vegetation, pixel grain."""
    h, w = label.shape
    img = albedo.astype(np.float32) / 255.0
    blotches = 0.6 * _smooth_noise(rng, h, w, 4) + 0.4 * _smooth_noise(rng, h, w, 16)
    img *= (1.0 + strength * blotches)[..., None]
    leaves = label == _ID['vegetation']
    img[leaves] *= 1.0 + 2.0 * strength * rng.standard_normal((int(leaves.sum()), 1)).astype(np.float32)
    img += grain * rng.standard_normal(img.shape).astype(np.float32)
    return np.clip(img, 0.0, 1.0)


def _blur(img: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), sigma)


def _saturation(img: np.ndarray, factor: float) -> np.ndarray:
    gray = img.mean(axis=2, keepdims=True)
    return gray + factor * (img - gray)


def _style_gta5(rng, albedo, label, depth):
    img = _texture(rng, albedo, label, strength=0.08, grain=0.01)
    return np.clip(_saturation(img, rng.uniform(1.05, 1.25)) * rng.uniform(0.95, 1.1), 0, 1)


def _style_overcast(rng, albedo, label, depth):
    img = _texture(rng, albedo, label, strength=0.3, grain=0.03)
    img = _saturation(img, rng.uniform(0.25, 0.45))
    img = img * np.float32(rng.uniform(0.55, 0.7)) + np.float32(rng.uniform(0.12, 0.2))
    img = img * np.asarray([0.92, 1.0, 0.9], np.float32)
    return np.clip(_blur(img, 0.8), 0, 1)


def _style_foggy(rng, albedo, label, depth):
    img = _texture(rng, albedo, label, strength=0.08, grain=0.015)
    density = rng.uniform(3.0, 4.5)
    transmission = np.exp(-density * np.minimum(depth, _FAR) / _FAR * 1.6)[..., None]
    veil = np.asarray(rng.uniform(0.72, 0.85) + rng.normal(0, 0.02, 3), np.float32)
    img = img * transmission * np.float32(0.85) + veil * (1 - transmission)
    return np.clip(_blur(img.astype(np.float32), 1.0), 0, 1)


def _style_dusk(rng, albedo, label, depth):
    img = _texture(rng, albedo, label, strength=0.08, grain=0.0)
    img = np.power(img, np.float32(rng.uniform(1.1, 1.3))) * np.float32(rng.uniform(0.45, 0.6))
    img = img * np.asarray([1.25, 0.9, 0.75], np.float32) + np.asarray([0.05, 0.02, 0.06], np.float32)
    img += np.float32(0.035) * rng.standard_normal(img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


STYLES: Dict[str, Callable] = dict(gta5=_style_gta5, overcast=_style_overcast, foggy=_style_foggy,
                                   dusk=_style_dusk)
_DOMAIN_INDEX = {name: k for k, name in enumerate(STYLES)}
_SPLIT_INDEX = {'train': 0, 'val': 1}


def render_sample(seed: int, domain: str, split: str, index: int, height: int = 128, width: int = 256):
    """One styled sample: (RGB uint8 image, Cityscapes label ids uint8). Pure function of its args."""
    if domain not in STYLES:
        raise ValueError(f'unknown SynthStreets domain {domain!r}; valid: {sorted(STYLES)}')
    rng = np.random.default_rng([seed, _DOMAIN_INDEX[domain], _SPLIT_INDEX[split], index])
    label, albedo, depth = render_scene(rng, height, width)
    image = STYLES[domain](rng, albedo, label, depth)
    return np.round(image * 255).astype(np.uint8), label


def _label_id_palette() -> List[int]:
    """Colour of every label id (its train class' colour; black for ids outside the 19 classes)."""
    palette = np.zeros((256, 3), np.uint8)
    for label_id in range(256):
        train_id = LABEL_ID_LOOKUP[label_id]
        if train_id != 255:
            palette[label_id] = TRAIN_PALETTE[train_id]
    return palette.ravel().tolist()


def _write_rgb(path: str, image: np.ndarray):
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, image[..., ::-1]):
        raise OSError(f'could not write {path}')


def _write_gray(path: str, array: np.ndarray, palette: Optional[List[int]] = None):
    os.makedirs(osp.dirname(path), exist_ok=True)
    height, width = array.shape
    if palette is None:
        img = Image.frombytes('L', (width, height), np.ascontiguousarray(array).tobytes())
    else:
        # Real GTA5 labels are palette PNGs: pixel values are label ids, the palette only aids viewing.
        img = Image.frombytes('P', (width, height), np.ascontiguousarray(array).tobytes())
        img.putpalette(palette)
    img.save(path)


def _read_manifest(out: str) -> Optional[dict]:
    path = osp.join(out, MANIFEST_NAME)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def _clear_previous(out: str, previous: Optional[dict]):
    """Remove the domain folders of an earlier generation; refuse to touch folders that are not ours."""
    if previous is None:
        if osp.isdir(out) and os.listdir(out):
            raise FileExistsError(
                f'{out} exists, is not empty and has no {MANIFEST_NAME}: refusing to write SynthStreets '
                f'into it. Choose another --out or remove the folder.')
        return
    os.remove(osp.join(out, MANIFEST_NAME))
    for domain in [SOURCE_DOMAIN] + list(previous['targets']):
        shutil.rmtree(osp.join(out, domain), ignore_errors=True)


def generate(out: str, spec: SynthStreetsSpec = SynthStreetsSpec(), log: Callable[[str], None] = print
             ) -> dict:
    """Write SynthStreets under ``out`` unless the same spec is already there; return the manifest.

    Layout: ``out/gta5/{images,labels}/NNNNN.png`` (labels: label ids), ``out/gta5/splits/{train,val}.txt``
    and, per target, ``out/<target>/leftImg8bit/<split>/<city>/<city>_000000_NNNNNN_leftImg8bit.png``
    with ``out/<target>/gtFine/<split>/<city>/<same>_gtFine_labelTrainIds.png`` (train ids, 255 ignore).
    The manifest is written last, so an interrupted run is regenerated from scratch next time.
    """
    unknown = sorted(set(spec.targets) - set(TARGET_DOMAINS))
    if unknown:
        raise ValueError(f'unknown target domains {unknown}; valid: {list(TARGET_DOMAINS)}')
    manifest = spec.manifest()
    previous = _read_manifest(out)
    if previous is not None and {k: v for k, v in previous.items() if k != 'files'} == manifest:
        log(f'SynthStreets (generator v{GENERATOR_VERSION}, seed {spec.seed}) already in {out}; '
            f'nothing to do.')
        return previous
    _clear_previous(out, previous)

    files: Dict[str, int] = {}
    palette = _label_id_palette()
    source_ids = np.random.default_rng([spec.seed, 99]).permutation(spec.source_train + spec.source_val)
    splits = {'train': sorted(source_ids[:spec.source_train]), 'val': sorted(source_ids[spec.source_train:])}
    source = osp.join(out, SOURCE_DOMAIN)
    for split, ids in splits.items():
        names = [f'{i + 1:05d}' for i in ids]
        for i, name in zip(ids, names):
            image, label = render_sample(spec.seed, SOURCE_DOMAIN, split, int(i), spec.height, spec.width)
            _write_rgb(osp.join(source, 'images', f'{name}.png'), image)
            _write_gray(osp.join(source, 'labels', f'{name}.png'), label, palette)
        os.makedirs(osp.join(source, 'splits'), exist_ok=True)
        with open(osp.join(source, 'splits', f'{split}.txt'), 'w') as f:
            f.write(''.join(f'{name}\n' for name in names))
        files[f'{SOURCE_DOMAIN}/{split}'] = len(names)
        log(f'wrote {len(names)} {SOURCE_DOMAIN} {split} images + label-id maps to {source} '
            f'(split list: {osp.join(source, "splits", split + ".txt")})')

    for target in spec.targets:
        for split, count in (('train', spec.target_train), ('val', spec.target_val)):
            city = TARGET_CITIES[split]
            for i in range(count):
                image, label = render_sample(spec.seed, target, split, i, spec.height, spec.width)
                stem = f'{city}_000000_{i:06d}'
                _write_rgb(osp.join(out, target, 'leftImg8bit', split, city, f'{stem}_leftImg8bit.png'),
                           image)
                _write_gray(osp.join(out, target, 'gtFine', split, city, f'{stem}_gtFine_labelTrainIds.png'),
                            LABEL_ID_LOOKUP[label])
            files[f'{target}/{split}'] = count
            log(f'wrote {count} {target} {split} images + train-id maps to {osp.join(out, target)}')

    manifest['files'] = files
    with open(osp.join(out, MANIFEST_NAME), 'w') as f:
        json.dump(manifest, f, indent=2)
    return manifest
