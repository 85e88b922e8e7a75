#pragma once
// Spectral normalisation (Miyato et al., 2018): a layer's weight W is used as W / sigma(W), with
// sigma estimated by one power iteration per training forward pass from a persistent vector u.
// LibTorch's C++ API has no spectral_norm, so this is it, for convolutions and linear layers.
#include <torch/torch.h>

namespace gan {

// The state of one normalised weight: u (out) and v (in), kept as buffers of the owning module.
struct SpectralState {
  torch::Tensor u, v;
};

// W / sigma for W reshaped to (out x rest), "out" being dimension `out_dim` of the weight (1 for
// transposed convolutions, as PyTorch's spectral_norm does). In training mode u and v first take
// `iterations` power steps (without gradient); sigma = u^T W v keeps W's gradient, as in the paper
// and in PyTorch.
torch::Tensor spectral_normalized(const torch::Tensor& weight, SpectralState& s, bool training, int iterations = 1,
                                  int out_dim = 0);

// u and v refined by `iterations` power steps for the weight as it is now (no gradient).
void power_iterate(const torch::Tensor& weight, SpectralState& s, int iterations, int out_dim = 0);

// The state's buffers (sn_u, sn_v), random unit vectors from a seed fixed by the shape, on module m.
SpectralState spectral_state(torch::nn::Module& m, long long out, long long in);

// A layer with a spectrally normalised weight.
struct SpectralNormed {
  virtual ~SpectralNormed() = default;
  // Power steps for the layer's current weight (without gradient).
  virtual void power_iterate(int iterations) = 0;
};

// Runs `iterations` power steps on every spectrally normalised layer of `net`, so that sigma is estimated
// for the weights as initialised before the first training pass (as PyTorch's parametrization does at
// registration, with 15): an eval-mode network at step 0 is then already normalised.
void settle_spectral_norms(torch::nn::Module& net, int iterations = 15);

// Conv2d whose weight is spectrally normalised; the raw weight is the parameter "weight".
struct SNConv2dImpl : torch::nn::Module, SpectralNormed {
  SNConv2dImpl(long long in, long long out, int kernel, int stride, int padding, bool bias = true);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor normalized_weight();  // what forward uses (runs no power iteration)
  void power_iterate(int iterations) override;
  torch::Tensor weight, bias;
  SpectralState state;
  int stride, padding;
};
TORCH_MODULE(SNConv2d);

// ConvTranspose2d with a spectrally normalised weight (in x out x k x k, normalised along out): SAGAN
// normalises its generator too.
struct SNConvTranspose2dImpl : torch::nn::Module, SpectralNormed {
  SNConvTranspose2dImpl(long long in, long long out, int kernel, int stride, int padding, bool bias = true);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor normalized_weight();
  void power_iterate(int iterations) override;
  torch::Tensor weight, bias;
  SpectralState state;
  int stride, padding;
};
TORCH_MODULE(SNConvTranspose2d);

struct SNLinearImpl : torch::nn::Module, SpectralNormed {
  SNLinearImpl(long long in, long long out, bool bias = true);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor normalized_weight();
  void power_iterate(int iterations) override;
  torch::Tensor weight, bias;
  SpectralState state;
};
TORCH_MODULE(SNLinear);

}  // namespace gan
