#!/bin/bash
# The quality tier's long run: all-mpnet-base-v2 + LoRA r16 on every linear layer, six epochs of 6,000 pairs,
# one epoch a chunk (--stop-after-epochs 1; then the same command with --resume).
cd /work/main
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
ARGS="--data data/annotated --base all-mpnet-base-v2 --method lora --lora-r 16 --lr 5e-4 --out runs/quality-long \
  --corpus data/stance_corpus/raw --corpus-weight 1 \
  --public semeval2016=0.1,pstance=0.15,vast=0.35,covid19_stance=0.1 --public-root ../shared/data \
  --project-weight 0.3 --epoch-size 6000 --epochs 6 --length-buckets --max-length 128 --public-eval-limit 200 --negate 0.5"
start=$(date +%s)
.venv/bin/stance train $ARGS --stop-after-epochs 1 $RESUME > runs/quality-long.log 2>&1
echo "quality-long chunk $(( $(date +%s) - start )) s" >> runs/methods.times
