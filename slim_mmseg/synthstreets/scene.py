"""SynthStreets scenes: one street drawn in perspective, as label ids, albedo and depth.

A road vanishing at the horizon, sidewalks, building facades with windows or a park with terrain,
trees, a wall or fence, and cars, trucks, buses, persons, riders with bicycles or motorcycles,
poles with traffic signs and lights, labelled with Cityscapes label ids. Every domain shares this
layout distribution; :mod:`.styles` turns a scene into a domain's image.
"""
from typing import Dict, Optional, Tuple

import cv2
import numpy as np

from slim_mmseg.datasets.cityscapes_labels import LABEL_NAME_TO_ID

_ID = LABEL_NAME_TO_ID
# Sky and everything at the horizon get this depth: far enough for fog to fully cover them.
FAR_DEPTH = 60.0

class _Canvas:
    """Label ids, RGB albedo and depth of one scene, painted back to front."""

    def __init__(self, height: int, width: int):
        self.height, self.width = height, width
        self.label = np.full((height, width), _ID['sky'], np.uint8)
        self.albedo = np.zeros((height, width, 3), np.uint8)
        self.depth = np.full((height, width), FAR_DEPTH, np.float32)

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
    c.depth[ground] = np.broadcast_to(np.minimum(1.0 / t, FAR_DEPTH), c.depth.shape)[ground]

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
    while depth < FAR_DEPTH:
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
               _jitter(rng, _FACADE_COLORS[rng.integers(len(_FACADE_COLORS))], 10), FAR_DEPTH * 0.9)
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
