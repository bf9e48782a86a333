"""OpenMMLab adapters: importing this package registers its classes in mmseg's registries."""
from .checkpoint_safety import allow_mmengine_checkpoint_globals, install_checkpoint_refusal
from .cli_config import add_run_arguments, load_cli_config, parse_run_args  # noqa: F401
from .cli_report import write_report  # noqa: F401
from .cpu_bf16_optim_wrapper import CPUBF16AutocastOptimWrapper  # noqa: F401
from .cpu_distributed import prepare_cpu_distributed  # noqa: F401
from .pretrained_weights_hook import PretrainedWeightsHook  # noqa: F401
from .slim_advstyle_hook import SLIMAdvStyleHook  # noqa: F401

allow_mmengine_checkpoint_globals()
install_checkpoint_refusal()
