"""SynthStreets: a procedural stand-in for GTA5 -> {Cityscapes, ...} domain generalisation.

The generator of the demo data, kept apart from the dataset classes that read it
(:mod:`slim_mmseg.datasets`: ``GTA5Dataset`` for the source, ``CityscapesDomainDataset`` for the
targets). Street scenes are drawn in perspective and labelled with Cityscapes label ids
(:mod:`.scene`); all domains share that layout distribution and differ in style only
(:mod:`.styles`); :mod:`.writer` writes them in the real GTA5 (source, label ids) and Cityscapes
(targets, train ids) layouts; :mod:`.corruptions` derives SynthStreets-C from the source-val split.
Every image comes from its own numpy Generator seeded by (seed, domain, split, index), so the same
seed gives byte-identical files and changing one count never changes the other images.
Command-line entry points: ``tools/make_synthstreets.py``, ``tools/make_synthstreets_c.py``.
"""
from .spec import (DEFAULT_OUT, GENERATOR_VERSION, MANIFEST_NAME, SOURCE_DOMAIN, TARGET_CITIES,
                   TARGET_DOMAINS, SynthStreetsSpec)
from .scene import render_scene
from .styles import STYLES, render_sample
from .writer import generate

__all__ = ['DEFAULT_OUT', 'GENERATOR_VERSION', 'MANIFEST_NAME', 'SOURCE_DOMAIN',
           'TARGET_CITIES', 'TARGET_DOMAINS', 'SynthStreetsSpec', 'render_scene', 'STYLES',
           'render_sample', 'generate']
