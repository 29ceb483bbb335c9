#!/bin/bash
# Method comparison on a snapshot of the corpus: LoRA attention only, LoRA every linear layer, full fine-tuning.
cd /work/main
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
COMMON="--data data/annotated --corpus data/stance_corpus/raw --public vast=1 --public-root ../shared/data --project-weight 0.5 --epoch-size 2400 --epochs 2 --length-buckets --max-length 128 --public-eval-limit 300 --negate 0.5"
for run in "attn --method lora --lora-r 16 --lora-targets query,key,value --lr 5e-4" "all --method lora --lora-r 16 --lr 5e-4" "full --method full --lr 5e-5"; do
  set -- $run; name=$1; shift
  start=$(date +%s)
  .venv/bin/stance train $COMMON --out runs/method-$name "$@" > runs/method-$name.log 2>&1
  echo "$name $(( $(date +%s) - start )) s" >> runs/methods.times
done
