#include "models/networks/progan.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace gan {
namespace F = torch::nn::functional;

namespace {

torch::Tensor lrelu(const torch::Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2)); }

torch::Tensor upsample2(const torch::Tensor& x, long long factor = 2) {
  if (factor == 1) return x;
  // Nearest neighbour by repetition: exact, and the same on every backend.
  return x.repeat_interleave(factor, 2).repeat_interleave(factor, 3);
}

torch::Tensor downsample(const torch::Tensor& x, long long factor = 2) {
  if (factor == 1) return x;
  return F::avg_pool2d(x, F::AvgPool2dFuncOptions(factor));
}

torch::Tensor make_growth() { return torch::tensor({0.0, 1.0}, torch::kDouble); }

// The [stage, alpha] buffer both networks carry.
void write_growth(torch::Tensor& growth, int stage, double alpha, size_t stages) {
  if (stage < 0 || stage >= static_cast<int>(stages))
    throw std::invalid_argument("ProGAN stage " + std::to_string(stage) + " is outside 0.." +
                                std::to_string(static_cast<int>(stages) - 1));
  if (!(alpha >= 0 && alpha <= 1)) throw std::invalid_argument("the fade-in alpha must be in [0, 1]");
  torch::NoGradGuard no_grad;
  growth.copy_(torch::tensor({static_cast<double>(stage), alpha}, torch::kDouble));
}
int growth_stage(const torch::Tensor& growth) { return static_cast<int>(growth[0].item<double>()); }
double growth_alpha(const torch::Tensor& growth) { return growth[1].item<double>(); }

}  // namespace

double he_scale(long long fan_in, double gain) { return std::sqrt(gain / static_cast<double>(fan_in)); }

EqualizedConvImpl::EqualizedConvImpl(long long in, long long out, int kernel, int pad, double gain, bool with_bias)
    : scale(he_scale(in * (kernel > 0 ? kernel * kernel : 1), gain)), padding(pad) {
  weight = register_parameter("weight", kernel > 0 ? torch::randn({out, in, kernel, kernel}) : torch::randn({out, in}));
  if (with_bias) bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor EqualizedConvImpl::forward(const torch::Tensor& x) {
  if (weight.dim() == 2) return torch::nn::functional::linear(x, weight * scale, bias);
  return F::conv2d(x, weight * scale, F::Conv2dFuncOptions().bias(bias).padding(padding));
}

torch::Tensor pixel_norm(const torch::Tensor& x, double eps) {
  return x * torch::rsqrt(x.pow(2).mean(1, /*keepdim=*/true) + eps);
}

torch::Tensor minibatch_stddev(const torch::Tensor& x, long long group, double eps) {
  const long long n = x.size(0);
  long long g = group > 0 ? std::min(group, n) : n;
  if (n % g != 0) g = n;
  // [G, M, C, H, W]: image i is in group i % M, as the reference code's reshape puts it.
  auto y = x.reshape({g, n / g, x.size(1), x.size(2), x.size(3)});
  auto std = torch::sqrt((y - y.mean(0, true)).pow(2).mean(0) + eps);  // M x C x H x W, over each group
  auto stat = std.mean({1, 2, 3}).reshape({1, n / g, 1, 1, 1}).expand({g, n / g, 1, x.size(2), x.size(3)});
  return torch::cat({x, stat.reshape({n, 1, x.size(2), x.size(3)})}, 1);
}

long long progan_channels(int side, long long fmap_base, long long fmap_max) {
  return std::max<long long>(1, std::min<long long>(fmap_max, fmap_base / side));
}

int progan_stages(int resolution) {
  int stages = 1;
  for (int side = 4; side < resolution; side *= 2) ++stages;
  if (stage_side(stages - 1) != resolution)
    throw std::invalid_argument("ProGAN grows by doublings from 4x4: the resolution must be a power of two, not " +
                                std::to_string(resolution));
  return stages;
}

// ---- Generator -----------------------------------------------------------------------------------
ProganGeneratorImpl::ProganGeneratorImpl(const ProganOptions& o) : options(o) {
  const int stages = progan_stages(o.resolution);
  auto ch = [&](int side) { return progan_channels(side, o.fmap_base, o.fmap_max); };
  // The paper's first layer is a 4x4 convolution of the 1x1 latent: a fully connected layer to 16
  // positions, with the gain that makes its outputs match a convolution's (sqrt(2) / 4).
  project = register_module("project", EqualizedConv(o.latent_dim, ch(4) * 16, 0, 0, 2.0 / 16, /*with_bias=*/false));
  project_bias = register_parameter("project_bias", torch::zeros({ch(4)}));
  conv4 = register_module("conv4", EqualizedConv(ch(4), ch(4), 3, 1));
  to_rgb.push_back(register_module("to_rgb0", EqualizedConv(ch(4), o.channels, 1, 0, 1.0)));
  for (int s = 1; s < stages; ++s) {
    const int side = stage_side(s);
    auto a = register_module("block" + std::to_string(s) + "_a", EqualizedConv(ch(side / 2), ch(side), 3, 1));
    auto b = register_module("block" + std::to_string(s) + "_b", EqualizedConv(ch(side), ch(side), 3, 1));
    blocks.emplace_back(a, b);
    to_rgb.push_back(register_module("to_rgb" + std::to_string(s), EqualizedConv(ch(side), o.channels, 1, 0, 1.0)));
  }
  growth = register_buffer("growth", make_growth());
}

void ProganGeneratorImpl::set_growth(int stage, double alpha) { write_growth(growth, stage, alpha, to_rgb.size()); }
int ProganGeneratorImpl::stage() const { return growth_stage(growth); }
double ProganGeneratorImpl::alpha() const { return growth_alpha(growth); }

torch::Tensor ProganGeneratorImpl::forward(const torch::Tensor& z) {
  const int st = stage();
  const double a = alpha();
  const long long c4 = conv4->weight.size(0);
  auto x = lrelu(project->forward(pixel_norm(z)).view({z.size(0), c4, 4, 4}) + project_bias.view({1, c4, 1, 1}));
  x = pixel_norm(lrelu(conv4->forward(pixel_norm(x))));
  torch::Tensor previous;
  for (int s = 1; s <= st; ++s) {
    if (s == st) previous = x;
    auto& [ca, cb] = blocks[static_cast<size_t>(s - 1)];
    x = upsample2(x);
    x = pixel_norm(lrelu(ca->forward(x)));
    x = pixel_norm(lrelu(cb->forward(x)));
  }
  auto out = to_rgb[static_cast<size_t>(st)]->forward(x);
  if (st > 0 && a < 1) out = a * out + (1 - a) * upsample2(to_rgb[static_cast<size_t>(st - 1)]->forward(previous));
  return out;
}

torch::Tensor ProganGeneratorImpl::generate(const torch::Tensor& z, const torch::Tensor&) {
  auto x = forward(z);
  return upsample2(x, options.resolution / x.size(2));
}

// ---- Discriminator -------------------------------------------------------------------------------
ProganCriticImpl::ProganCriticImpl(const ProganOptions& o) : options(o) {
  const int stages = progan_stages(o.resolution);
  auto ch = [&](int side) { return progan_channels(side, o.fmap_base, o.fmap_max); };
  from_rgb.push_back(register_module("from_rgb0", EqualizedConv(o.channels, ch(4), 1, 0)));
  for (int s = 1; s < stages; ++s) {
    const int side = stage_side(s);
    from_rgb.push_back(register_module("from_rgb" + std::to_string(s), EqualizedConv(o.channels, ch(side), 1, 0)));
    auto a = register_module("block" + std::to_string(s) + "_a", EqualizedConv(ch(side), ch(side), 3, 1));
    auto b = register_module("block" + std::to_string(s) + "_b", EqualizedConv(ch(side), ch(side / 2), 3, 1));
    blocks.emplace_back(a, b);
  }
  conv4 = register_module("conv4", EqualizedConv(ch(4) + 1, ch(4), 3, 1));
  conv_full = register_module("conv_full", EqualizedConv(ch(4), ch(4), 4, 0));
  dense = register_module("dense", EqualizedConv(ch(4), 1, 0, 0, 1.0));
  growth = register_buffer("growth", make_growth());
}

void ProganCriticImpl::set_growth(int stage, double alpha) { write_growth(growth, stage, alpha, from_rgb.size()); }
int ProganCriticImpl::stage() const { return growth_stage(growth); }
double ProganCriticImpl::alpha() const { return growth_alpha(growth); }

torch::Tensor ProganCriticImpl::forward(const torch::Tensor& x) { return judge(x, {}).score; }

CriticOutput ProganCriticImpl::judge(const torch::Tensor& x, const torch::Tensor&) {
  const int st = stage();
  const double a = alpha();
  if (x.size(2) != stage_side(st) || x.size(3) != stage_side(st))
    throw std::invalid_argument("ProGAN's discriminator at stage " + std::to_string(st) + " takes " +
                                std::to_string(stage_side(st)) + "x" + std::to_string(stage_side(st)) + " images");
  auto h = lrelu(from_rgb[static_cast<size_t>(st)]->forward(x));
  for (int s = st; s >= 1; --s) {
    auto& [ca, cb] = blocks[static_cast<size_t>(s - 1)];
    h = downsample(lrelu(cb->forward(lrelu(ca->forward(h)))));
    if (s == st && a < 1) h = a * h + (1 - a) * lrelu(from_rgb[static_cast<size_t>(s - 1)]->forward(downsample(x)));
  }
  h = lrelu(conv4->forward(minibatch_stddev(h, options.mbstd_group)));
  auto features = lrelu(conv_full->forward(h)).flatten(1);
  CriticOutput out;
  out.score = dense->forward(features).view({-1});
  out.features = features;
  return out;
}

torch::Tensor progan_real_at(const torch::Tensor& x, int stage, double alpha) {
  const long long side = stage_side(stage);
  if (x.size(2) % side != 0) throw std::invalid_argument("the images' side is not a multiple of the stage's");
  auto xs = downsample(x, x.size(2) / side);
  if (stage > 0 && alpha < 1) xs = alpha * xs + (1 - alpha) * upsample2(downsample(xs));
  return xs;
}

torch::Tensor progan_real_shown(const torch::Tensor& x, int stage, double alpha) {
  auto xs = progan_real_at(x.to(torch::kFloat), stage, alpha);
  return upsample2(xs, x.size(2) / xs.size(2)).round().clamp(0, 255).to(torch::kUInt8);
}

}  // namespace gan
