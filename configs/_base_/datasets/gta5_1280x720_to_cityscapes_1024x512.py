# GTA5 -> Cityscapes as DSU's semantic-segmentation code trains and tests it (lixiaotong97/DSU,
# semantic-segmentation/; the FADA code base), the protocol SLIM's Table 3 most likely follows.
# Sourced there:
# - training data: every GTA5 frame (datasets/gta5_train_list.txt lists all 24,966), drawn
#   class-balanced: 252,000 draws for MAX_ITER x BATCH_SIZE = 250,000 in sub-epochs of 3,000,
#   rare classes favoured (core/datasets/gta5.py with max_iters; ClassBalancedGTA5Dataset,
#   slim_mmseg/datasets/class_balanced_gta5.py), then shuffled by the loader;
# - whole frames resized to 1280x720 (core/configs/defaults.py INPUT.SOURCE_INPUT_SIZE_TRAIN;
#   core/datasets/build.py resizes instead of crops because INPUT_SCALES_TRAIN = (1.0, 1.0);
#   core/datasets/transform.py Resize: image bicubic, label nearest); no flip
#   (HORIZONTAL_FLIP_PROB_TRAIN 0.0) and no colour jitter (BRIGHTNESS..HUE 0.0);
# - batch 8 (SOLVER.BATCH_SIZE, split across scripts/train.sh's NGPUS=4: 2 per GPU);
# - test: Cityscapes val (datasets/cityscapes_val_list.txt, 500 images) resized to 1024x512
#   (INPUT.INPUT_SIZE_TEST, bicubic), labels kept at 2048x1024 (Resize(resize_label=False)), the
#   prediction upsampled to them (test.py); mmseg's test pipeline does the same when Resize comes
#   before LoadAnnotations. No validation during training (train_src.py): no val loader here.
# Ours (not in DSU's code):
# - splits/all.txt from tools/convert_datasets/gta5.py (run without --split-list) leaves out the
#   few frames whose label size differs from the image; DSU resizes those too;
# - the class-balanced draw's seed (DSU leaves numpy unseeded) and its cache of the classes per
#   frame (splits/classes_per_image.json, read from the labels on the first run; DSU ships
#   datasets/gtav_label_info.p);
# - cv2's bicubic interpolation (mmcv) instead of PIL's;
# - BDD100K and Mapillary are tested as in gta5_to_cityscapes_bdd100k_mapillary.py (DSU tests
#   Cityscapes only; cityscapes/mIoU is the number comparable with DSU's tables).
_base_ = ['./gta5_to_cityscapes_bdd100k_mapillary.py']
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadGTA5Annotations'),
    dict(type='Resize', scale=(1280, 720), keep_ratio=False, interpolation='bicubic'),
    dict(type='PackSegInputs', meta_keys={{_base_.meta_keys}}),
]
# Cityscapes, and any new image (mmseg.apis.inference_model reads this top-level test_pipeline).
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=False, interpolation='bicubic'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs', meta_keys={{_base_.meta_keys}}),
]
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        type='ClassBalancedGTA5Dataset',
        ann_file='splits/all.txt',
        num_samples=31250 * 8,
        sub_epoch_size=3000,
        seed=0,
        class_index='splits/classes_per_image.json',
        pipeline=train_pipeline))
val_dataloader = None
val_evaluator = None
test_dataloader = dict(
    dataset=dict(
        datasets=[
            dict(
                type='CityscapesDomainDataset',
                data_root='data/cityscapes',
                data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
                domain='cityscapes',
                pipeline=test_pipeline),
            {{_base_.bdd100k_val}},
            {{_base_.mapillary_val}},
        ],
        pipeline=test_pipeline))
