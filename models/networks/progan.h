#pragma once
// ProGAN's networks (Karras, Aila, Laine & Lehtinen, 2018): a generator and a discriminator that
// mirror each other and grow from 4x4 to the final resolution, one block per doubling. Every block
// exists from the start; the current stage and the fade-in alpha (buffers, so that copies and
// checkpoints carry them) decide which ones run. Equalised learning rate, pixelwise feature
// normalisation in G and minibatch standard deviation in D, as in the paper.
#include <torch/torch.h>

#include <vector>

#include "models/networks/image_nets.h"

namespace gan {

// He's constant sqrt(gain / fan_in): the run-time scale of an equalised layer's N(0, 1) weights.
double he_scale(long long fan_in, double gain = 2.0);

// A convolution (or, with kernel 0, a fully connected layer) with an equalised learning rate: its
// weights are stored as N(0, 1) and multiplied by he_scale(fan_in) at every call, its bias (unless
// with_bias is false) starts at 0.
struct EqualizedConvImpl : torch::nn::Module {
  EqualizedConvImpl(long long in, long long out, int kernel, int padding, double gain = 2.0, bool with_bias = true);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
  double scale;
  int padding;
};
TORCH_MODULE(EqualizedConv);

// Pixelwise feature normalisation: each pixel's feature vector divided by its RMS (eps = 1e-8).
torch::Tensor pixel_norm(const torch::Tensor& x, double eps = 1e-8);

// Minibatch standard deviation: the standard deviation of each feature at each position over a
// group of the minibatch, averaged into one value and joined to x as one more constant feature map.
// group 0: the whole minibatch (the paper's text); group G: groups of min(G, N) images, as the
// reference code (G = 4), each image getting its group's value (N must then be a multiple of the
// group; otherwise the whole minibatch is used).
torch::Tensor minibatch_stddev(const torch::Tensor& x, long long group = 0, double eps = 1e-8);

// Channels at a side: min(fmap_max, fmap_base / side). The paper's networks are fmap_base 16384 and
// fmap_max 512 in these terms (the reference code's 8192 counts from the previous side).
long long progan_channels(int side, long long fmap_base, long long fmap_max);

struct ProganOptions {
  long long latent_dim = 128;
  int resolution = 32;  // the final side, a power of two from 8 to 128
  int channels = 1;
  long long fmap_base = 1024;
  long long fmap_max = 64;
  long long mbstd_group = 4;  // minibatch_stddev's group
};

// The number of stages: 4x4 is stage 0, the final resolution stage log2(resolution) - 2.
int progan_stages(int resolution);
inline int stage_side(int stage) { return 4 << stage; }

struct ProganGeneratorImpl : ImageGenerator {
  explicit ProganGeneratorImpl(const ProganOptions& o);
  // At the current stage and alpha, in the stage's side: N x C x s x s.
  torch::Tensor forward(const torch::Tensor& z);
  // forward() brought to the final resolution by nearest-neighbour upsampling (what samples show).
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override;
  long long latent_dim() const override { return options.latent_dim; }
  int num_classes() const override { return 0; }
  int resolution() const override { return options.resolution; }
  int channels() const override { return options.channels; }

  void set_growth(int stage, double alpha);
  int stage() const;
  double alpha() const;

  ProganOptions options;
  EqualizedConv project{nullptr};  // z (as 1x1) -> 4x4 by a 4x4 "full" convolution (no bias of its own)
  torch::Tensor project_bias;       // one per channel, added after the reshape to 4x4
  EqualizedConv conv4{nullptr};
  std::vector<std::pair<EqualizedConv, EqualizedConv>> blocks;  // block s: side 4*2^(s-1) -> 4*2^s
  std::vector<EqualizedConv> to_rgb;                              // per stage, 1x1, linear
  torch::Tensor growth;  // buffer: [stage, alpha]
};
TORCH_MODULE(ProganGenerator);

struct ProganCriticImpl : ImageCritic {
  explicit ProganCriticImpl(const ProganOptions& o);
  // x at the current stage's side (N x C x s x s): one score per image.
  torch::Tensor forward(const torch::Tensor& x);
  CriticOutput judge(const torch::Tensor& x, const torch::Tensor& labels) override;

  void set_growth(int stage, double alpha);
  int stage() const;
  double alpha() const;

  ProganOptions options;
  std::vector<EqualizedConv> from_rgb;                            // per stage, 1x1
  std::vector<std::pair<EqualizedConv, EqualizedConv>> blocks;  // block s: side 4*2^s -> half of it
  EqualizedConv conv4{nullptr}, conv_full{nullptr}, dense{nullptr};
  torch::Tensor growth;  // buffer: [stage, alpha]
};
TORCH_MODULE(ProganCritic);

// Real images (N x C x R x R, the final resolution) as D sees them at a stage and alpha: average-pooled
// to the stage's side and, during a fade, blended with the previous side upsampled, as G's output is.
torch::Tensor progan_real_at(const torch::Tensor& x, int stage, double alpha);
// Real images (uint8, the final resolution) as G's samples are shown at a stage and alpha: as D sees
// them (progan_real_at), scaled back up by nearest neighbour and rounded to uint8.
torch::Tensor progan_real_shown(const torch::Tensor& x, int stage, double alpha);

}  // namespace gan
