#!/bin/bash
# Stage 6 candidate for the default: on from the shipped model, the stance corpus weighted up (1.5) with the
# project's pairs at 0.6 (to hold the seeds) and the public sets (VAST weighted up), negated targets on.
cd "$(dirname "$0")/../.."
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
start=$(date +%s)
.venv/bin/stance train --data data/annotated --init stance/models/stance-minilm --out runs/stage6 \
  --corpus data/stance_corpus/raw --corpus-weight 1.5 \
  --public semeval2016=0.1,pstance=0.15,vast=0.35,covid19_stance=0.1 --public-root ../shared/data \
  --project-weight 0.6 --epoch-size 6000 --epochs 3 --lr 1.5e-4 --length-buckets --max-length 128 \
  --public-eval-limit 300 --negate 0.5 > runs/stage6.log 2>&1
echo "stage6 $(( $(date +%s) - start )) s" >> runs/methods.times
