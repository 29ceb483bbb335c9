#!/bin/bash
# Stage 7 candidate: one short epoch on from stage 6 at a low rate, the project's news pairs first with some of the
# stance corpus, so the project's register comes back without losing the corpus' targets.
cd "$(dirname "$0")/../.."
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
start=$(date +%s)
.venv/bin/stance train --data data/annotated --init runs/stage6 --out runs/stage7 \
  --corpus data/stance_corpus/raw --corpus-weight 0.3 \
  --public semeval2016=0,pstance=0,vast=0,covid19_stance=0 --public-root ../shared/data \
  --project-weight 1 --epoch-size 1500 --epochs 1 --lr 5e-5 --length-buckets --max-length 128 \
  --public-eval-limit 300 --negate 0.5 > runs/stage7.log 2>&1
echo "stage7 $(( $(date +%s) - start )) s" >> runs/methods.times
