#include "models/layers/spectral_norm.h"

#include <cmath>

#include "models/core/random.h"

namespace gan {
namespace F = torch::nn::functional;

static torch::Tensor normalize(const torch::Tensor& x) { return x / (x.norm() + 1e-12); }

static torch::Tensor as_matrix(const torch::Tensor& weight, int out_dim) {
  return (out_dim == 0 ? weight : weight.transpose(0, out_dim)).reshape({weight.size(out_dim), -1});
}

static void iterate(const torch::Tensor& w, SpectralState& s, int iterations) {
  torch::NoGradGuard no_grad;
  for (int i = 0; i < iterations; ++i) {
    s.v.copy_(normalize(w.t().mv(s.u)));
    s.u.copy_(normalize(w.mv(s.v)));
  }
}

void power_iterate(const torch::Tensor& weight, SpectralState& s, int iterations, int out_dim) {
  iterate(as_matrix(weight, out_dim), s, iterations);
}

void settle_spectral_norms(torch::nn::Module& net, int iterations) {
  for (auto& m : net.modules(/*include_self=*/true))
    if (auto* sn = dynamic_cast<SpectralNormed*>(m.get())) sn->power_iterate(iterations);
}

torch::Tensor spectral_normalized(const torch::Tensor& weight, SpectralState& s, bool training, int iterations,
                                  int out_dim) {
  auto w = as_matrix(weight, out_dim);  // one reshape (a copy for transposed weights) for both uses
  if (training) iterate(w, s, iterations);
  // Clones: the next forward pass updates u and v in place, and this pass's backward still needs them
  // (PyTorch's spectral_norm does the same).
  auto sigma = s.u.clone().dot(w.mv(s.v.clone()));
  return weight / sigma;
}

SpectralState spectral_state(torch::nn::Module& m, long long out, long long in) {
  SpectralState s;
  // Random unit vectors, as PyTorch starts them, but from a fixed seed so that a run is reproducible
  // from its own seed; the first training passes refine them.
  auto gen = make_cpu_generator(static_cast<unsigned long long>(out * 7919 + in));
  s.u = m.register_buffer("sn_u", normalize(torch::randn({out}, gen, torch::kFloat)));
  s.v = m.register_buffer("sn_v", normalize(torch::randn({in}, gen, torch::kFloat)));
  return s;
}

SNConv2dImpl::SNConv2dImpl(long long in, long long out, int kernel, int stride, int padding, bool with_bias)
    : stride(stride), padding(padding) {
  weight = register_parameter("weight", torch::empty({out, in, kernel, kernel}));
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (with_bias) bias = register_parameter("bias", torch::zeros({out}));
  state = spectral_state(*this, out, in * kernel * kernel);
}

torch::Tensor SNConv2dImpl::normalized_weight() { return spectral_normalized(weight, state, false); }
void SNConv2dImpl::power_iterate(int iterations) { gan::power_iterate(weight, state, iterations); }

torch::Tensor SNConv2dImpl::forward(const torch::Tensor& x) {
  auto w = spectral_normalized(weight, state, is_training());
  return F::conv2d(x, w, F::Conv2dFuncOptions().bias(bias).stride(stride).padding(padding));
}

SNConvTranspose2dImpl::SNConvTranspose2dImpl(long long in, long long out, int kernel, int stride, int padding,
                                             bool with_bias)
    : stride(stride), padding(padding) {
  weight = register_parameter("weight", torch::empty({in, out, kernel, kernel}));
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (with_bias) bias = register_parameter("bias", torch::zeros({out}));
  state = spectral_state(*this, out, in * kernel * kernel);
}

torch::Tensor SNConvTranspose2dImpl::normalized_weight() { return spectral_normalized(weight, state, false, 1, 1); }
void SNConvTranspose2dImpl::power_iterate(int iterations) { gan::power_iterate(weight, state, iterations, 1); }

torch::Tensor SNConvTranspose2dImpl::forward(const torch::Tensor& x) {
  auto w = spectral_normalized(weight, state, is_training(), 1, /*out_dim=*/1);
  return F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().bias(bias).stride(stride).padding(padding));
}

SNLinearImpl::SNLinearImpl(long long in, long long out, bool with_bias) {
  weight = register_parameter("weight", torch::empty({out, in}));
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (with_bias) bias = register_parameter("bias", torch::zeros({out}));
  state = spectral_state(*this, out, in);
}

torch::Tensor SNLinearImpl::normalized_weight() { return spectral_normalized(weight, state, false); }
void SNLinearImpl::power_iterate(int iterations) { gan::power_iterate(weight, state, iterations); }

torch::Tensor SNLinearImpl::forward(const torch::Tensor& x) {
  return F::linear(x, spectral_normalized(weight, state, is_training()), bias);
}

}  // namespace gan
