#!/usr/bin/env bash
# Creates (or refreshes) the project's virtual environment. Idempotent: a second run only checks a stamp.
#
#   VENV=.venv               where the environment lives
#   PYTHON=python3.11        interpreter used to create it
#   TORCH_SPEC=torch==2.13.0 the torch to install; GPU users set their CUDA build (see README)
#   MMCV_WHEEL=...           a prebuilt mmcv wheel to use instead of ../shared/wheels/mmcv-2.1.0-*.whl
#   FORCE_MMCV_SOURCE=1      ignore any prebuilt wheel and compile mmcv 2.1.0 from its sdist
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3.11}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
MMCV_VERSION=2.1.0
MMCV_WHEEL=${MMCV_WHEEL:-$(ls ../shared/wheels/mmcv-${MMCV_VERSION}-cp311-*.whl 2>/dev/null | head -n1 || true)}
# The shared wheel is ABI-tied to this exact torch build.
MMCV_WHEEL_TORCH=${MMCV_WHEEL_TORCH:-2.13.0+cpu}

# Fashion-MNIST for the adversarial-training demo (make demo-at): Debian's dataset-fashion-mnist
# installs the IDX files under /usr/share/datasets/fashion-mnist. Installed here when missing and
# apt-get is usable as root; otherwise this says what to do. Never fails the setup.
FASHION_MNIST_DIR=/usr/share/datasets/fashion-mnist
if [ ! -d "$FASHION_MNIST_DIR" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing dataset-fashion-mnist (apt-get) for make demo-at"
    { apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1; }; } \
      || echo "[setup] WARNING: apt-get could not install dataset-fashion-mnist; make demo-at needs it" >&2
  else
    echo "[setup] note: $FASHION_MNIST_DIR is missing; for make demo-at run 'sudo apt-get install" \
         "dataset-fashion-mnist' (Debian/Ubuntu) or set the configs' fashion_mnist_root to a folder with" \
         "the IDX files (torchvision's FashionMNIST/raw layout works too)" >&2
  fi
fi

stamp_input=$(cat requirements.txt requirements-nodeps.txt constraints.txt tools/setup_env.sh; echo "$TORCH_SPEC ${FORCE_MMCV_SOURCE:-0}")
stamp_hash=$(printf '%s' "$stamp_input" | sha256sum | cut -d' ' -f1)
stamp_file="$VENV/.slim_mmseg_setup"
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp_hash" ]; then
  echo "[setup] environment $VENV is up to date"
  exit 0
fi

start=$(date +%s)
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check -q -c constraints.txt)

echo "[setup] build tools and $TORCH_SPEC"
"${PIP[@]}" "setuptools<81" wheel ninja
"${PIP[@]}" "$TORCH_SPEC" numpy
# mmcv imports mmengine, so it must be present before mmcv can be checked.
"${PIP[@]}" "mmengine==0.10.7"
torch_version=$("$PY" -c 'import torch; print(torch.__version__)')

mmcv_ok() { "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '$MMCV_VERSION'" 2>/dev/null; }
if mmcv_ok; then
  echo "[setup] mmcv $MMCV_VERSION with compiled ops already installed"
elif [ -z "${FORCE_MMCV_SOURCE:-}" ] && [ -n "$MMCV_WHEEL" ] && [ -f "$MMCV_WHEEL" ] \
     && [ "$torch_version" = "$MMCV_WHEEL_TORCH" ]; then
  echo "[setup] installing prebuilt $MMCV_WHEEL (matches torch $torch_version)"
  "${PIP[@]}" --no-deps "$MMCV_WHEEL"
  "${PIP[@]}" addict packaging Pillow pyyaml yapf opencv-python
else
  echo "[setup] no matching prebuilt mmcv wheel for torch $torch_version: compiling mmcv $MMCV_VERSION (about 20 min on 2 cores)"
  MMCV_WITH_OPS=1 FORCE_CUDA=${FORCE_CUDA:-0} MAX_JOBS=${MAX_JOBS:-2} \
    "${PIP[@]}" --no-build-isolation --no-binary=mmcv "mmcv==$MMCV_VERSION"
fi
mmcv_ok || { echo "[setup] ERROR: mmcv $MMCV_VERSION with compiled ops did not install" >&2; exit 1; }

echo "[setup] mmengine, mmsegmentation and the rest (requirements.txt, requirements-nodeps.txt)"
# Nothing below may replace the torch that mmcv was built against.
echo "torch==$torch_version" > "$VENV/torch-constraint.txt"
"${PIP[@]}" -c "$VENV/torch-constraint.txt" -r requirements.txt
"${PIP[@]}" -c "$VENV/torch-constraint.txt" --no-deps -r requirements-nodeps.txt
"${PIP[@]}" --no-deps --no-build-isolation -e .
"$PY" -c "import mmseg.models, slim_mmseg.openmmlab" || { echo "[setup] ERROR: import check failed" >&2; exit 1; }
echo "$stamp_hash" > "$stamp_file"
echo "[setup] done in $(( $(date +%s) - start )) s: torch $torch_version, $("$PY" -c 'import mmcv, mmengine, mmseg; print("mmcv", mmcv.__version__, "mmengine", mmengine.__version__, "mmseg", mmseg.__version__)')"
