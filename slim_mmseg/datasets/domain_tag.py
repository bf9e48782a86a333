"""Domain names carried by every sample, so that metrics can group results by domain."""
from typing import List, Optional


class DomainTagMixin:
    """Mixin for mmengine datasets: ``domain='foggy'`` puts ``domain`` into every sample's data info.

    Put it first in the bases (``class MyDataset(DomainTagMixin, BaseSegDataset)``). The name reaches the
    model outputs when the pipeline's ``PackSegInputs`` lists ``'domain'`` in its ``meta_keys``;
    ``MultiDomainIoUMetric`` then reads ``data_sample.metainfo['domain']``. The name is kept out of the
    dataset ``metainfo`` on purpose: ConcatDataset requires equal metainfo across the datasets it joins.
    """

    def __init__(self, *args, domain: Optional[str] = None, **kwargs):
        if domain is not None and (not isinstance(domain, str) or not domain or '/' in domain):
            raise ValueError(f'domain must be a non-empty name without "/" (it prefixes metric keys such '
                             f'as "<domain>/mIoU"), got {domain!r}')
        self.domain = domain
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = super().load_data_list()
        if self.domain is not None:
            for info in data_list:
                info['domain'] = self.domain
        return data_list
