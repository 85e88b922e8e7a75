#!/bin/bash
# The runs behind the README's "What the papers showed, measured here": each family's signature effect,
# with the commands, lengths and seeds quoted there. Run one by name, from the repository root, after
# building (`cmake --build build`):
#   scripts/signatures.sh toy|gan|gan-strong-d|wgan|critics|critics-timing|class|sgan|sagan|glyphs|stargan [OUT_DIR]
# Each writes its runs under OUT_DIR (default runs/signatures) and prints the summary the README quotes
# (scripts/run_summary.py). On the 2-core CPU of the README's figures: toy about 40 min, gan 20 min,
# gan-strong-d 15 min, wgan 25 min, critics 3 x 20 min, class 20 min, sgan 2 x 25 min, sagan 20 min, glyphs
# about 45 min, stargan 50 min (one thread each).
set -euo pipefail
what=${1:?"which signature: toy, gan, gan-strong-d, wgan, critics, critics-timing, class, sgan, sagan, glyphs or stargan"}
out=${2:-runs/signatures}
B=${GAN_EXPLORER:-build/gan-explorer}
S="python3 $(dirname "$0")/run_summary.py"
export GAN_EXPLORER_THREADS=${GAN_EXPLORER_THREADS:-1}
mkdir -p "$out"
case "$what" in
  toy)  # LSGAN against GAN on the ring of 8 Gaussians: modes covered every 500 steps, 3 seeds, 2 latent sizes
    for lat in 256 2; do for seed in 1 2 3; do for loss in gan lsgan; do
      $B train --model toy --distribution ring --loss "$loss" --latent_dim "$lat" --seed "$seed" --steps 15000 \
        --accuracy-every 500 --log-every 100 --checkpoint-every 15000 --sample-every 5000 --out "$out/toy-$loss-$lat-$seed"
    done; done; done
    $S "$out"/toy-* --measured modes,hq ;;
  gan)  # minimax against non-saturating G loss, live classifier FID every 500 steps
    for loss in minimax non-saturating; do
      $B train --model gan --g_loss "$loss" --data fashion-mnist --steps 5000 --seed 1 --metrics-every 500 \
        --metrics-samples 2000 --log-every 10 --checkpoint-every 5000 --sample-every 1000 --out "$out/gan-$loss"
    done
    $S "$out"/gan-minimax "$out"/gan-non-saturating --windows 1-50,200-500,500-1000,4000-5000 --scalars d_fake,loss_g ;;
  gan-strong-d)  # the same with a D that wins early: 5 D steps per G step at 5x its learning rate
    for loss in minimax non-saturating; do
      $B train --model gan --g_loss "$loss" --data fashion-mnist --steps 1500 --seed 1 --d_steps 5 --lr_d 1e-3 \
        --metrics-every 250 --metrics-samples 2000 --log-every 10 --checkpoint-every 1500 --sample-every 500 \
        --out "$out/gan-strong-d-$loss"
    done
    $S "$out"/gan-strong-d-* --windows 1-50,200-500,1000-1500 --scalars d_fake,loss_g ;;
  wgan)  # the critic's Wasserstein estimate against the classifier FID
    $B train --model wgan --data fashion-mnist --steps 1500 --seed 1 --metrics-every 100 --metrics-samples 1000 \
      --log-every 10 --checkpoint-every 500 --sample-every 500 --out "$out/wgan"
    $S "$out/wgan" --corr wasserstein ;;
  critics-timing)  # the median step time of WGAN, WGAN-GP and SNGAN alone, one thread: what `critics` divides
    for m in wgan wgan-gp sngan; do
      $B train --model "$m" --data fashion-mnist --steps 40 --seed 1 --log-every 1 --checkpoint-every 1000 \
        --sample-every 1000 --out "$out/timing-$m" > /dev/null
      python3 -c "import json,statistics,sys; r=[json.loads(l) for l in open(sys.argv[1])]; \
ms=[x['step_ms'] for x in r if 'step_ms' in x and x['step']>5]; print(sys.argv[2], 'median', round(statistics.median(ms)), 'ms/step')" \
        "$out/timing-$m/log.jsonl" "$m"
    done ;;
  critics)  # WGAN (clipping), WGAN-GP and SNGAN at equal compute: 20 minutes of one thread each on the README's
    # CPU, from their median step times alone (critics-timing: 1.05 s, 1.78 s, 0.38 s); classifier FID at ten
    # equal fractions of the budget, and WGAN-GP's gradient norm at the interpolates
    for spec in wgan:1140:114 wgan-gp:680:68 sngan:3140:314; do
      IFS=: read -r m n e <<< "$spec"
      $B train --model "$m" --data fashion-mnist --steps "$n" --seed 1 --metrics-every "$e" --metrics-samples 2000 \
        --log-every 10 --checkpoint-every "$n" --sample-every "$n" --out "$out/critic-$m"
    done
    $S "$out/critic-wgan" "$out/critic-wgan-gp" "$out/critic-sngan" --measured none
    $S "$out/critic-wgan-gp" --measured none --windows 1-10,60-130,270-340,610-680 --scalars grad_norm,gp ;;
  class)  # cGAN, cGAN-conv and ACGAN: the share of samples the dataset classifier takes for the class asked for
    for spec in cgan:3000 acgan:1000 cgan-conv:1000; do
      m=${spec%%:*}; n=${spec##*:}
      $B train --model "$m" --data fashion-mnist --steps "$n" --seed 1 --log-every 50 --checkpoint-every "$n" \
        --sample-every "$n" --out "$out/class-$m"
      $B metrics --checkpoint "$out/class-$m/checkpoint.pt" --n 5000
    done ;;
  sgan)  # semi-supervised against supervised-only with Salimans et al.'s discriminator, 100 and 1000 labels
    for labels in 100 1000; do
      $B train --model sgan --d_net salimans --labels "$labels" --lr 0.003 --batch 100 --ngf 32 --seed 1 --steps 6000 \
        --accuracy-every 500 --accuracy-samples 2000 --log-every 50 --checkpoint-every 6000 --sample-every 2000 \
        --out "$out/sgan-$labels"
    done
    $S "$out"/sgan-100 "$out"/sgan-1000 --measured acc_sgan,acc_supervised ;;
  glyphs)  # CycleGAN and DiscoGAN on glyph domains, judged against the true targets of the held-out characters
    small=(--ngf 32 --ndf 32 --sample-every 400)
    $B train --model cyclegan --data-A "glyphs:DejaVu Sans" --data-B "glyphs:DejaVu Sans Bold" --steps 2000 \
      --lr_constant_steps 1000 --lr_decay_steps 1000 --sample-every 500 --out "$out/glyphs-cyclegan-bold"
    $B train --model discogan --recipe authors --curriculum_steps 600 --steps 2400 "${small[@]}" \
      --data-B "glyphs:DejaVu Sans Bold" --out "$out/glyphs-discogan-authors-bold"
    $B train --model discogan --recipe authors --curriculum_steps 600 --steps 2400 "${small[@]}" \
      --out "$out/glyphs-discogan-authors-serif"
    $B train --model discogan --steps 1000 --ngf 32 --ndf 32 --sample-every 500 --out "$out/glyphs-discogan-paper-serif"
    $B train --model discogan --steps 1000 --ngf 32 --ndf 32 --sample-every 500 --lambda_rec 10 \
      --out "$out/glyphs-discogan-paper10-serif"
    for run in "$out"/glyphs-*/; do echo "== $run"; $B metrics --checkpoint "$run/checkpoint.pt"; done ;;
  stargan)  # StarGAN on Fashion-MNIST's ten classes as ten domains: the target-class classification matrix
    $B train --model stargan --data fashion-mnist --steps 3000 --seed 1 --lr_constant_steps 1500 \
      --lr_decay_steps 1500 --log-every 100 --sample-every 500 --checkpoint-every 500 --out "$out/stargan-fm"
    $B metrics --checkpoint "$out/stargan-fm/checkpoint.pt" --n 100 ;;
  sagan)  # SAGAN against SNGAN at equal steps, live classifier FID every 250 steps
    for m in sngan sagan; do
      $B train --model "$m" --data fashion-mnist --steps 1000 --seed 1 --metrics-every 250 --metrics-samples 2000 \
        --log-every 10 --checkpoint-every 250 --sample-every 250 --out "$out/$m"
    done
    $S "$out/sngan" "$out/sagan" --measured none ;;
  *) echo "unknown signature '$what'" >&2; exit 2 ;;
esac
