"""OpenMMLab adapters: importing this package registers its classes in mmseg's registries."""
from . import cifar10, cifar10c, digits_style_shift, fashion_mnist, fashion_mnist_c, pacs, transforms  # noqa: F401
from . import bdd100k, mapillary  # noqa: F401
from . import cityscapes_domain, gta5, multi_domain_dataset  # noqa: F401  (GTA5, domain tags, multi-domain sets)
from . import office_home, terra_incognita, vlcs  # noqa: F401  (DomainBed image folders)
from . import class_balanced_gta5  # noqa: F401  (DSU's GTA5 protocol)
