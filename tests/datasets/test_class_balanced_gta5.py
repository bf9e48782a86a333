import json
import warnings
from collections import Counter

import numpy as np
import pytest
from gta5_dg_fakes import write_gta5
from mmseg.utils import register_all_modules

from slim_mmseg.datasets.class_balanced_gta5 import (ClassBalancedGTA5Dataset, classes_in_label,
                                                     draw_class_balanced)

register_all_modules(init_default_scope=True)
PIPELINE = [dict(type='LoadImageFromFile'), dict(type='LoadGTA5Annotations'),
            dict(type='PackSegInputs')]


def test_rare_classes_are_drawn_far_more_often_than_uniformly():
    # 95 frames hold class 0 only, 5 frames hold classes 0 and 1: uniform sampling gives the
    # class-1 frames 5 % of the draws; DSU's weights 1 / log(1.01 + share) favour the class whose
    # share lags, which gives them over half (61 % with this seed).
    index = {f'a{i:02d}': [0] for i in range(95)}
    index.update({f'b{i}': [0, 1] for i in range(5)})
    drawn = draw_class_balanced(index, 2, num_samples=2000, rng=np.random.RandomState(0),
                                sub_epoch_size=500)
    assert len(drawn) == (2000 // 500 + 1) * 500
    rare = sum(name.startswith('b') for name in drawn) / len(drawn)
    assert rare > 0.5
    counts = Counter(drawn)
    assert len(counts) == 100  # every frame of the frequent class comes up too


def test_draw_order_reshuffle_and_seeding():
    """Within a class the frames come in sorted order; when used up the list is reshuffled and,
    as in DSU (ind % (len - 1)), the draw resumes at its second entry."""
    index = {'f0': [3], 'f1': [3], 'f2': [3]}
    drawn = draw_class_balanced(index, 19, num_samples=5, rng=np.random.RandomState(1),
                                sub_epoch_size=6)
    assert drawn[:3] == ['f0', 'f1', 'f2'] and len(drawn) == 6
    rng = np.random.RandomState(1)
    for _ in range(3):
        rng.choice(19, p=np.eye(19)[3])  # the three class draws before the reshuffle
    reshuffled = ['f0', 'f1', 'f2']
    rng.shuffle(reshuffled)
    assert drawn[3] == reshuffled[1]
    assert draw_class_balanced(index, 19, 5, np.random.RandomState(1), 6) == drawn
    many = {f'f{i}': [i % 2] for i in range(20)}
    assert draw_class_balanced(many, 2, 50, np.random.RandomState(0), 50) != \
        draw_class_balanced(many, 2, 50, np.random.RandomState(2), 50)


def test_single_frame_class_and_absent_classes():
    index = {'only': [5], 'x': [2], 'y': [2]}
    drawn = draw_class_balanced(index, 19, num_samples=40, rng=np.random.RandomState(0),
                                sub_epoch_size=10)
    assert set(drawn) == {'only', 'x', 'y'}  # one-frame class keeps drawing it; 17 absent ones never
    with pytest.raises(ValueError, match='No frame holds any'):
        draw_class_balanced({'empty': []}, 19, 10, np.random.RandomState(0), 10)


def test_dataset_on_fake_gta5_with_cached_class_index(tmp_path):
    root = tmp_path / 'gta5'
    write_gta5(root)  # labels: sky 23, road 7, car 26, static 4 (ignored); frame 00003 excluded
    build = dict(data_root=str(root), ann_file='splits/train.txt', pipeline=PIPELINE,
                 num_samples=30, sub_epoch_size=10, seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        dataset = ClassBalancedGTA5Dataset(**build)
    assert len(dataset) == 40
    cache = json.loads((root / 'splits' / 'classes_per_image.json').read_text())
    assert cache == {'00001': [0, 10, 13], '00002': [0, 10, 13], '00004': [0, 10, 13]}
    assert classes_in_label(str(root / 'labels' / '00002.png')) == [0, 10, 13]  # value 200 ignored
    assert len(dataset.classes_absent) == 16 and 'person' in dataset.classes_absent
    assert any('16 classes occur in no frame' in str(w.message) for w in caught)
    sample = dataset[0]
    assert set(np.unique(sample['data_samples'].gt_sem_seg.data.numpy())) <= {0, 10, 13, 255}
    # the cache is read, not recomputed: a frame listed without classes is never drawn
    cache['00004'] = []
    (root / 'splits' / 'classes_per_image.json').write_text(json.dumps(cache))
    again = ClassBalancedGTA5Dataset(**build)
    stems = {again.get_data_info(i)['img_path'][-9:-4] for i in range(len(again))}
    assert stems == {'00001', '00002'}
