"""OpenMMLab adapters: importing this package registers its classes in mmseg's registries."""
