#!/bin/bash
# Stage 5 of the default: on from the shipped model, the stance corpus with the public sets (VAST weighted up).
cd /work/main
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
start=$(date +%s)
.venv/bin/stance train --data data/annotated --init stance/models/stance-minilm --out runs/stage5 \
  --corpus data/stance_corpus/raw --corpus-weight 1 \
  --public semeval2016=0.1,pstance=0.15,vast=0.35,covid19_stance=0.1 --public-root ../shared/data \
  --project-weight 0.3 --epoch-size 6000 --epochs 3 --lr 2e-4 --length-buckets --max-length 128 \
  --public-eval-limit 300 --negate 0.5 > runs/stage5.log 2>&1
echo "stage5 $(( $(date +%s) - start )) s" >> runs/methods.times
