#include "models/networks/stylegan.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "models/core/random.h"

namespace gan {

namespace F = torch::nn::functional;

namespace {

const double kSqrt2 = std::sqrt(2.0);

int width(int unit, int side) { return unit * std::min(8, 64 / side); }

torch::Tensor lrelu(const torch::Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2)); }

torch::Tensor upsample2(const torch::Tensor& x) {
  return F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest));
}

}  // namespace

int stylegan_layers(int resolution) {
  int layers = 0;
  for (int side = 4; side <= resolution; side *= 2) layers += 2;
  return layers;
}

int stylegan_layer_side(int layer) { return 4 << (layer / 2); }

LayerBands stylegan_bands(int resolution) {
  const int n = stylegan_layers(resolution);
  LayerBands b{0, -1, 0, -1, 0, -1};
  for (int i = 0; i < n; ++i) {
    const int side = stylegan_layer_side(i);
    int& lo = side <= 8 ? b.coarse_lo : side == 16 ? b.middle_lo : b.fine_lo;
    int& hi = side <= 8 ? b.coarse_hi : side == 16 ? b.middle_hi : b.fine_hi;
    if (hi < lo) lo = i;
    hi = i;
  }
  return b;
}

void check_stylegan_options(const StyleGanOptions& o) {
  if (o.resolution != 16 && o.resolution != 32 && o.resolution != 64)
    throw std::invalid_argument("StyleGAN's networks are built for 16, 32 or 64 px images, not " +
                                std::to_string(o.resolution));
  if (o.channels < 1 || o.channels > 4) throw std::invalid_argument("these networks need 1 to 4 image channels");
  if (o.mapping_layers < 1) throw std::invalid_argument("the mapping network needs at least one layer");
}

// ---- Equalised layers ---------------------------------------------------------------------------
EqualLinearImpl::EqualLinearImpl(long long in, long long out, double gain, double lr_mul, double bias_init)
    : scale(gain * lr_mul / std::sqrt(static_cast<double>(in))), lr_mul(lr_mul) {
  weight = register_parameter("weight", torch::randn({out, in}) / lr_mul);
  bias = register_parameter("bias", torch::full({out}, bias_init / lr_mul));
}

torch::Tensor EqualLinearImpl::forward(const torch::Tensor& x) { return F::linear(x, weight * scale, bias * lr_mul); }

EqualConv2dImpl::EqualConv2dImpl(long long in, long long out, int kernel, double gain)
    : scale(gain / std::sqrt(static_cast<double>(in * kernel * kernel))) {
  weight = register_parameter("weight", torch::randn({out, in, kernel, kernel}));
  bias = register_parameter("bias", torch::zeros({out}));
}

torch::Tensor EqualConv2dImpl::forward(const torch::Tensor& x) {
  return F::conv2d(x, weight * scale, F::Conv2dFuncOptions().bias(bias).padding(weight.size(2) / 2));
}

// ---- Style layers -------------------------------------------------------------------------------
StyleLayerImpl::StyleLayerImpl(long long in, long long out, long long w_dim, bool conv, bool upsample, bool demodulate)
    : conv(conv), upsample(upsample), demodulate(demodulate), out_channels(out) {
  if (demodulate && !conv) throw std::logic_error("a demodulated style layer convolves");
  // AdaIN: the affine gives y_s - 1 and y_b per output channel (bias 0); modulation: s per input channel
  // (bias 1), as StyleGAN2.
  affine = register_module("affine", demodulate ? EqualLinear(w_dim, in, 1.0, 1.0, 1.0)
                                                : EqualLinear(w_dim, 2 * out, 1.0, 1.0, 0.0));
  if (conv) {
    weight = register_parameter("weight", torch::randn({out, in, 3, 3}));
    scale = kSqrt2 / std::sqrt(static_cast<double>(in * 9));
  }
  bias = register_parameter("bias", torch::zeros({out}));
  noise_strength = register_parameter("noise_strength", torch::zeros({out}));
}

torch::Tensor StyleLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& noise) {
  auto h = upsample ? upsample2(x) : x;
  const long long n = h.size(0), c = out_channels;
  if (demodulate) {
    const long long in = h.size(1), side = h.size(2);
    auto s = affine(w);                                                   // N x in
    auto wt = (weight * scale).unsqueeze(0) * s.view({n, 1, in, 1, 1});   // N x out x in x 3 x 3
    wt = wt * torch::rsqrt(wt.pow(2).sum({2, 3, 4}, true) + 1e-8);
    h = F::conv2d(h.reshape({1, n * in, side, side}), wt.reshape({n * c, in, 3, 3}),
                  F::Conv2dFuncOptions().padding(1).groups(n))
            .reshape({n, c, side, side});
  } else if (conv) {
    h = F::conv2d(h, weight * scale, F::Conv2dFuncOptions().padding(1));
  }
  if (noise.defined()) h = h + noise_strength.view({1, c, 1, 1}) * noise;
  h = lrelu(h + bias.view({1, c, 1, 1}));
  if (demodulate) return h * kSqrt2;
  h = (h - h.mean({2, 3}, true)) * torch::rsqrt(h.var({2, 3}, /*unbiased=*/false, /*keepdim=*/true) + 1e-8);
  auto style = affine(w);  // N x 2C
  return h * (1 + style.narrow(1, 0, c)).view({-1, c, 1, 1}) + style.narrow(1, c, c).view({-1, c, 1, 1});
}

// ---- G ------------------------------------------------------------------------------------------
StyleGanGeneratorImpl::StyleGanGeneratorImpl(const StyleGanOptions& o) : options(o) {
  check_stylegan_options(o);
  mapping = register_module("mapping", torch::nn::ModuleList());
  for (int i = 0; i < o.mapping_layers; ++i)
    mapping->push_back(EqualLinear(i == 0 ? o.latent_dim : o.w_dim, o.w_dim, kSqrt2, o.mapping_lr, 0.0));
  const long long w4 = width(o.ngf, 4);
  const_input = register_parameter("const_input", torch::randn({1, w4, 4, 4}));
  style_layers = register_module("style_layers", torch::nn::ModuleList());
  long long in = w4;
  for (int i = 0; i < stylegan_layers(o.resolution); ++i) {
    const long long out = width(o.ngf, stylegan_layer_side(i));
    const bool first_of_side = i % 2 == 0;
    const bool conv = !(i == 0 && !o.demodulate);  // AdaIN's first layer works on the constant itself
    style_layers->push_back(StyleLayer(in, out, o.w_dim, conv, first_of_side && i > 0, o.demodulate));
    in = out;
  }
  to_rgb = register_module("to_rgb", EqualConv2d(in, o.channels, 1, 1.0));
  w_avg = register_buffer("w_avg", torch::zeros({o.w_dim}));
  stream = RandomStream(*this, o.seed * 7919ull + 17, "rng");
}

torch::Tensor StyleGanGeneratorImpl::map(const torch::Tensor& z) {
  auto x = z * torch::rsqrt(z.pow(2).mean(1, true) + 1e-8);  // pixel norm of z
  for (size_t i = 0; i < mapping->size(); ++i) x = lrelu(mapping[i]->as<EqualLinearImpl>()->forward(x));
  return x;
}

std::vector<torch::Tensor> StyleGanGeneratorImpl::draw_noise(long long n, torch::Generator& gen) {
  std::vector<torch::Tensor> noise;
  for (int i = 0; i < layers(); ++i) {
    const long long side = stylegan_layer_side(i);
    noise.push_back(torch::randn({n, 1, side, side}, gen, torch::kFloat).to(const_input.device()));
  }
  return noise;
}

torch::Tensor StyleGanGeneratorImpl::synthesize(const torch::Tensor& ws, const std::vector<torch::Tensor>& noise,
                                                bool fresh_noise) {
  if (ws.size(1) != layers()) throw std::invalid_argument("the styles have " + std::to_string(ws.size(1)) +
                                                          " layers; this generator has " + std::to_string(layers()));
  // The constant for each row of ws, by broadcasting (no batch size written in, so that a trace holds any).
  auto h = const_input + ws.select(1, 0).narrow(1, 0, 1).view({-1, 1, 1, 1}).detach() * 0;
  for (int i = 0; i < layers(); ++i) {
    torch::Tensor n;
    if (fresh_noise) {
      const int64_t side = stylegan_layer_side(i);
      n = torch::randn_like(ws.select(1, 0).narrow(1, 0, 1).view({-1, 1, 1, 1}).expand({-1, 1, side, side}));
    } else if (!noise.empty()) {
      n = noise[static_cast<size_t>(i)];
    }
    h = style_layers[static_cast<size_t>(i)]->as<StyleLayerImpl>()->forward(h, ws.select(1, i), n);
  }
  auto out = to_rgb(h);
  return is_training() ? out : out.clamp(-1, 1);
}

torch::Tensor StyleGanGeneratorImpl::generate(const torch::Tensor& z, const torch::Tensor& /*labels*/) {
  const int64_t n = z.size(0), L = layers();
  auto w = map(z);
  if (!is_training()) {
    torch::Generator gen = make_cpu_generator(0);
    return synthesize(w.unsqueeze(1).expand({n, L, -1}), draw_noise(n, gen));
  }
  {
    torch::NoGradGuard no_grad;  // w_avg <- lerp(mean w, w_avg, beta)
    auto mean = w.detach().mean(0);
    w_avg.copy_(mean + options.w_avg_beta * (w_avg - mean));
  }
  auto ws = w.unsqueeze(1).expand({n, L, -1});
  if (options.mixing_prob > 0) {
    // Each sample: with probability mixing_prob, the layers from a crossover drawn from 1..L-1 on take a
    // second latent's w.
    auto u = stream.rand({n}).to(z.device());
    auto cut = ((stream.rand({n}) * static_cast<double>(L - 1)).floor().to(torch::kLong) + 1).to(z.device());
    auto z2 = stream.randn({n, options.latent_dim}).to(z.device());
    auto w2 = map(z2).unsqueeze(1).expand({n, L, -1});
    cut = torch::where(u < options.mixing_prob, cut, torch::full_like(cut, L));
    auto layer = torch::arange(static_cast<int64_t>(L), torch::TensorOptions().dtype(torch::kLong).device(z.device()));
    auto second = (layer.unsqueeze(0) >= cut.unsqueeze(1)).unsqueeze(2);  // N x L x 1
    ws = torch::where(second, w2, ws);
  }
  std::vector<torch::Tensor> noise;
  for (int i = 0; i < L; ++i) {
    const long long side = stylegan_layer_side(i);
    noise.push_back(stream.randn({n, 1, side, side}).to(z.device()));
  }
  return synthesize(ws, noise);
}

torch::Tensor StyleGanGeneratorImpl::export_generate(const torch::Tensor& z, const torch::Tensor& /*labels*/) {
  return synthesize(map(z).unsqueeze(1).repeat({1, layers(), 1}), {}, /*fresh_noise=*/true);
}

torch::Tensor truncate_styles(const torch::Tensor& ws, const torch::Tensor& w_avg, double psi, int cutoff) {
  if (psi == 1.0) return ws;
  const int64_t L = ws.size(1);
  auto layer = torch::arange(static_cast<int64_t>(L), torch::TensorOptions().dtype(torch::kLong).device(ws.device()));
  auto inside = (layer < cutoff).view({1, L, 1});
  auto avg = w_avg.view({1, 1, -1});
  return torch::where(inside, avg + psi * (ws - avg), ws);
}

torch::Tensor mix_styles(const torch::Tensor& ws_a, const torch::Tensor& ws_b, int lo, int hi) {
  const int64_t L = ws_a.size(1);
  auto layer = torch::arange(static_cast<int64_t>(L), torch::TensorOptions().dtype(torch::kLong).device(ws_a.device()));
  auto take_b = ((layer >= lo) & (layer <= hi)).view({1, L, 1});
  return torch::where(take_b, ws_b, ws_a);
}

// ---- D ------------------------------------------------------------------------------------------
torch::Tensor minibatch_stddev(const torch::Tensor& x) {
  const long long n = x.size(0);
  long long g = std::min<long long>(4, n);
  while (n % g != 0) --g;
  auto y = x.reshape({g, n / g, x.size(1), x.size(2), x.size(3)});
  y = (y - y.mean(0, true)).pow(2).mean(0);                 // n/g x C x H x W
  y = (y + 1e-8).sqrt().mean({1, 2, 3}, true);               // n/g x 1 x 1 x 1
  y = y.repeat({g, 1, x.size(2), x.size(3)});                // n x 1 x H x W
  return torch::cat({x, y}, 1);
}

StyleGanCriticImpl::StyleGanCriticImpl(const StyleGanOptions& o) : options(o) {
  check_stylegan_options(o);
  from_rgb = register_module("from_rgb", EqualConv2d(o.channels, width(o.ndf, o.resolution), 1, kSqrt2));
  convs = register_module("convs", torch::nn::ModuleList());
  for (int side = o.resolution; side > 4; side /= 2) {
    convs->push_back(EqualConv2d(width(o.ndf, side), width(o.ndf, side), 3, kSqrt2));
    convs->push_back(EqualConv2d(width(o.ndf, side), width(o.ndf, side / 2), 3, kSqrt2));
  }
  const long long w4 = width(o.ndf, 4);
  final_conv = register_module("final_conv", EqualConv2d(w4 + 1, w4, 3, kSqrt2));
  dense = register_module("dense", EqualLinear(w4 * 16, w4, kSqrt2, 1.0, 0.0));
  out = register_module("out", EqualLinear(w4, 1, 1.0, 1.0, 0.0));
}

CriticOutput StyleGanCriticImpl::judge(const torch::Tensor& x, const torch::Tensor& /*labels*/) {
  auto h = lrelu(from_rgb(x));
  for (size_t i = 0; i < convs->size(); i += 2) {
    h = lrelu(convs[i]->as<EqualConv2dImpl>()->forward(h));
    h = lrelu(convs[i + 1]->as<EqualConv2dImpl>()->forward(h));
    h = torch::avg_pool2d(h, 2);
  }
  h = lrelu(final_conv(minibatch_stddev(h)));
  CriticOutput o;
  o.features = lrelu(dense(h.flatten(1)));
  o.score = out(o.features).squeeze(1);
  return o;
}

void stylegan_init(torch::nn::Module& net, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& m : net.modules(false)) {
    if (auto* l = dynamic_cast<EqualLinearImpl*>(m.get())) l->weight.normal_(0, 1.0 / l->lr_mul, gen);
    else if (auto* c = dynamic_cast<EqualConv2dImpl*>(m.get())) c->weight.normal_(0, 1, gen);
    else if (auto* s = dynamic_cast<StyleLayerImpl*>(m.get())) {
      if (s->weight.defined()) s->weight.normal_(0, 1, gen);
    } else if (auto* g = dynamic_cast<StyleGanGeneratorImpl*>(m.get())) {
      g->const_input.normal_(0, 1, gen);
    }
  }
  if (auto* g = dynamic_cast<StyleGanGeneratorImpl*>(&net)) g->const_input.normal_(0, 1, gen);
}

}  // namespace gan
