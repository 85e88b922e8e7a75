#include "models/layers/blocks.h"

#include <string>

#include "models/layers/spectral_norm.h"

namespace gan {
using namespace torch::nn;

static AnyModule conv1x1(long long in, long long out, bool spectral, bool bias) {
  if (spectral) return AnyModule(SNConv2d(in, out, 1, 1, 0, bias));
  return AnyModule(Conv2d(Conv2dOptions(in, out, 1).bias(bias)));
}

SelfAttentionImpl::SelfAttentionImpl(long long channels, bool spectral) {
  const long long inner = std::max<long long>(1, channels / 8);
  f = conv1x1(channels, inner, spectral, false);
  g = conv1x1(channels, inner, spectral, false);
  h = conv1x1(channels, inner, spectral, false);
  v = conv1x1(inner, channels, spectral, false);
  register_module("f", f.ptr());
  register_module("g", g.ptr());
  register_module("h", h.ptr());
  register_module("v", v.ptr());
  gamma = register_parameter("gamma", torch::zeros({1}));
}

torch::Tensor SelfAttentionImpl::attention(const torch::Tensor& x) {
  // No batch size written into the shapes, so that a traced graph (gan-explorer export) takes any.
  auto query = f.forward(x).flatten(2);  // N x C' x HW
  auto key = g.forward(x).flatten(2);
  // s[j][i] = f_i . g_j; each output position j attends over the positions i.
  return torch::softmax(torch::bmm(key.transpose(1, 2), query), /*dim=*/2);  // N x HW(j) x HW(i)
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x) {
  auto beta = attention(x);
  auto value = h.forward(x).flatten(2);
  auto o = torch::bmm(value, beta.transpose(1, 2)).view({-1, value.size(1), x.size(2), x.size(3)});
  return gamma * v.forward(o) + x;
}

MinibatchDiscriminationImpl::MinibatchDiscriminationImpl(long long in_features, long long kernels, long long kernel_dim,
                                                         bool spectral)
    : kernels(kernels), kernel_dim(kernel_dim), spectral(spectral) {
  T = register_parameter("T", torch::randn({in_features, kernels * kernel_dim}) * 0.02);
  if (spectral) state = spectral_state(*this, kernels * kernel_dim, in_features);
}

// T maps A features to B*C: its rows are dimension 1.
torch::Tensor MinibatchDiscriminationImpl::tensor() {
  return spectral ? spectral_normalized(T, state, false, 1, /*out_dim=*/1) : T;
}

void MinibatchDiscriminationImpl::power_iterate(int iterations) {
  if (spectral) gan::power_iterate(T, state, iterations, /*out_dim=*/1);
}

torch::Tensor MinibatchDiscriminationImpl::forward(const torch::Tensor& f) {
  auto t = spectral ? spectral_normalized(T, state, is_training(), 1, /*out_dim=*/1) : T;
  auto m = f.mm(t).view({f.size(0), kernels, kernel_dim});                  // N x B x C
  auto l1 = (m.unsqueeze(0) - m.unsqueeze(1)).abs().sum(3);                 // N x N x B
  return torch::exp(-l1).sum(1);                                            // N x B
}

ChannelLayerNormImpl::ChannelLayerNormImpl(long long channels, double eps) : eps(eps) {
  weight = register_parameter("weight", torch::ones({channels}));
  bias = register_parameter("bias", torch::zeros({channels}));
}

torch::Tensor ChannelLayerNormImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == weight.size(0), "channel layer norm: expected N x ", weight.size(0),
              " x H x W");
  auto y = torch::layer_norm(x, {x.size(1), x.size(2), x.size(3)}, {}, {}, eps);
  return y * weight.view({1, -1, 1, 1}) + bias.view({1, -1, 1, 1});
}

VirtualBatchNormImpl::VirtualBatchNormImpl(long long channels, double eps) : eps(eps) {
  weight = register_parameter("weight", torch::ones({channels}));
  bias = register_parameter("bias", torch::zeros({channels}));
}

torch::Tensor VirtualBatchNormImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(reference > 0 && reference <= x.size(0), "virtual batch norm: no reference batch");
  std::vector<int64_t> per_example;  // the dims within one example a channel is averaged over
  for (int64_t d = 2; d < x.dim(); ++d) per_example.push_back(d);
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[1] = x.size(1);
  auto mean_of = [&](const torch::Tensor& t) { return per_example.empty() ? t : t.mean(per_example, true); };
  auto ref = x.narrow(0, 0, reference);
  auto ref_mean = mean_of(ref).mean(0, true), ref_sq = mean_of(ref * ref).mean(0, true);  // 1 x C x 1 x 1
  const double r = static_cast<double>(reference);
  auto mean = (mean_of(x) + r * ref_mean) / (r + 1.0);
  auto sq = (mean_of(x * x) + r * ref_sq) / (r + 1.0);
  // The reference examples use the reference statistics alone.
  auto is_ref = (torch::arange(x.size(0), x.options().dtype(torch::kLong)) < static_cast<int64_t>(reference)).view({-1, 1}).to(x.dtype());
  std::vector<int64_t> col(static_cast<size_t>(x.dim()), 1);
  col[0] = x.size(0);
  is_ref = is_ref.view(col);
  mean = is_ref * ref_mean + (1 - is_ref) * mean;
  sq = is_ref * ref_sq + (1 - is_ref) * sq;
  auto var = (sq - mean * mean).clamp_min(0);
  return (x - mean) / torch::sqrt(var + eps) * weight.view(shape) + bias.view(shape);
}

// ---- Weight-normalised dense layer ------------------------------------------------------------------
WeightNormLinearImpl::WeightNormLinearImpl(long long in, long long out, bool train_scale) : train_scale(train_scale) {
  v = register_parameter("v", torch::randn({out, in}) * 0.05);
  if (train_scale) g = register_parameter("g", torch::ones({out}));
  else g = register_buffer("g", torch::ones({out}));
  b = register_parameter("b", torch::zeros({out}));
}

torch::Tensor WeightNormLinearImpl::weight() { return v * (g / v.norm(2, 1)).unsqueeze(1); }

torch::Tensor WeightNormLinearImpl::forward(const torch::Tensor& x) { return torch::nn::functional::linear(x, weight(), b); }

torch::Tensor WeightNormLinearImpl::init_from(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  auto t = torch::nn::functional::linear(x, v / v.norm(2, 1, true));
  auto mean = t.mean(0), std = (t - mean).pow(2).mean(0).sqrt().clamp_min(1e-8);
  g.copy_(1.0 / std);
  b.copy_(-mean / std);
  return forward(x);
}

}  // namespace gan
