#pragma once
// Building blocks the families switch on: SAGAN's self-attention, and from Salimans et al. (2016)
// minibatch discrimination, virtual batch normalisation and their weight-normalised dense layers.
#include <torch/torch.h>

#include "models/layers/spectral_norm.h"

namespace gan {

// Self-attention over the positions of a feature map (Zhang et al., 2018):
//   f = W_f x, g = W_g x, h = W_h x (1x1 convolutions to C/8 channels), beta = softmax_i(f_i^T g_j),
//   o_j = W_v sum_i beta_ij h_i (a 1x1 convolution back to C), y = gamma * o + x.
// gamma starts at 0, so the block starts as the identity. With `spectral`, the four convolutions are
// spectrally normalised, as SAGAN does in both networks.
struct SelfAttentionImpl : torch::nn::Module {
  SelfAttentionImpl(long long channels, bool spectral);
  torch::Tensor forward(const torch::Tensor& x);
  // The attention map for input x: N x HW x HW, row j the weights beta_ij over the positions i that
  // position j (row-major: j = row * W + column) draws on; each row sums to 1.
  torch::Tensor attention(const torch::Tensor& x);
  torch::nn::AnyModule f, g, h, v;
  torch::Tensor gamma;
};
TORCH_MODULE(SelfAttention);

// Minibatch discrimination (Salimans et al. 2016, section 3.2): features f (N x A) times a tensor T
// (A x B x C) give M_i (B x C); c_b(i, j) = exp(-||M_i,b - M_j,b||_1), and o(x_i)_b = sum_j c_b(i, j)
// over the whole minibatch (j = i included, as in the paper). Returns o: N x B, which the
// discriminator appends to f. With `spectral`, T is spectrally normalised as a linear map from A to B*C
// (in a spectrally normalised discriminator every layer is).
struct MinibatchDiscriminationImpl : torch::nn::Module, SpectralNormed {
  MinibatchDiscriminationImpl(long long in_features, long long kernels, long long kernel_dim, bool spectral = false);
  torch::Tensor forward(const torch::Tensor& f);
  torch::Tensor tensor();  // T as forward uses it (normalised when spectral; runs no power iteration)
  void power_iterate(int iterations) override;
  torch::Tensor T;  // A x (B * C)
  long long kernels, kernel_dim;
  bool spectral;
  SpectralState state;  // when spectral
};
TORCH_MODULE(MinibatchDiscrimination);

// Layer normalisation of a feature map as Gulrajani et al.'s critic has it: each example normalised over
// all its channels and positions, then a learned scale and shift per channel (C parameters each, not
// one per element).
struct ChannelLayerNormImpl : torch::nn::Module {
  explicit ChannelLayerNormImpl(long long channels, double eps = 1e-5);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
  double eps;
};
TORCH_MODULE(ChannelLayerNorm);

// Virtual batch normalisation (Salimans et al. 2016, section 3.4). The first `reference` rows of the
// input are a fixed reference batch, normalised by their own statistics; every other example i is
// normalised by the statistics of the reference batch together with itself:
//   mean_i = (x_i's mean + R * ref mean) / (R + 1), likewise the mean square,
// per channel (over height and width too for 4-d inputs). So an example's output never depends on the
// other examples of its minibatch. Learned scale and shift follow, as in batch norm.
struct VirtualBatchNormImpl : torch::nn::Module {
  explicit VirtualBatchNormImpl(long long channels, double eps = 1e-5);
  torch::Tensor forward(const torch::Tensor& x);
  long long reference = 0;  // set by the owning network before each forward pass
  torch::Tensor weight, bias;
  double eps;
};
TORCH_MODULE(VirtualBatchNorm);

// A dense layer with weight normalisation (Salimans & Kingma 2016) as Salimans et al.'s GAN code has it:
// W = g * V / ||V|| per output unit (a row of V), y = x W^T + b. g is learnt only with `train_scale`
// (their output layer); elsewhere it keeps the scale the data-dependent initialisation gave it.
// V starts ~ N(0, 0.05^2) (their default), g = 1, b = 0.
struct WeightNormLinearImpl : torch::nn::Module {
  WeightNormLinearImpl(long long in, long long out, bool train_scale);
  torch::Tensor forward(const torch::Tensor& x);
  // Their initialisation from data: with t = x (V / ||V||)^T, g = 1 / std(t) and b = -mean(t) / std(t) per
  // unit, so that each unit starts with mean 0 and standard deviation 1 on x. Returns the layer's output
  // on x after it (those standardised pre-activations).
  torch::Tensor init_from(const torch::Tensor& x);
  torch::Tensor weight();  // g * V / ||V||
  torch::Tensor v, g, b;
  bool train_scale;
};
TORCH_MODULE(WeightNormLinear);

}  // namespace gan
