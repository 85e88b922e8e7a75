#include "models/networks/biggan.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "models/core/random.h"

namespace gan {

namespace F = torch::nn::functional;

namespace {

// Width multipliers of G's input and of each block's output, and of D's blocks, as the authors' arch
// tables for 32 px (CIFAR) and 64 px (ImageNet 64).
std::vector<int> g_widths(int resolution) {
  if (resolution == 16) return {4, 4, 4};
  if (resolution == 32) return {4, 4, 4, 4};
  return {16, 8, 4, 2, 1};
}
std::vector<int> d_widths(int resolution) {
  if (resolution == 16) return {4, 4, 4};
  if (resolution == 32) return {4, 4, 4, 4};
  return {1, 2, 4, 8, 16};
}
std::vector<bool> d_downsamples(int resolution) {
  if (resolution == 16) return {true, false, false};
  if (resolution == 32) return {true, true, false, false};
  return {true, true, true, true, false};
}

}  // namespace

int biggan_g_blocks(int resolution) {
  int blocks = 0;
  for (int side = 4; side < resolution; side *= 2) ++blocks;
  return blocks;
}

long long biggan_chunk(const BigGanOptions& o) { return o.latent_dim / (biggan_g_blocks(o.resolution) + 1); }

long long biggan_input_chunk(const BigGanOptions& o) {
  return o.latent_dim - biggan_chunk(o) * biggan_g_blocks(o.resolution);
}

void check_biggan_options(const BigGanOptions& o) {
  if (o.resolution != 16 && o.resolution != 32 && o.resolution != 64)
    throw std::invalid_argument("BigGAN's networks are built for 16, 32 or 64 px images, not " +
                                std::to_string(o.resolution));
  const int slots = biggan_g_blocks(o.resolution) + 1;
  if (o.latent_dim < slots)
    throw std::invalid_argument("the latent size (" + std::to_string(o.latent_dim) + ") must be at least " +
                                std::to_string(slots) + " at " + std::to_string(o.resolution) +
                                " px: a chunk for the input and one per block");
  if (o.attention_res != 0 && (o.attention_res < 8 || o.attention_res > o.resolution / 2))
    throw std::invalid_argument("the attention side (" + std::to_string(o.attention_res) + ") must be from 8 to " +
                                std::to_string(o.resolution / 2) + ", or 0 for none");
  if (o.channels < 1 || o.channels > 4) throw std::invalid_argument("these networks need 1 to 4 image channels");
}

// ---- Conditional batch norm --------------------------------------------------------------------
ConditionalBatchNormImpl::ConditionalBatchNormImpl(long long channels, long long cond_dim) {
  bn = register_module("bn", SyncBatchNorm2d(torch::nn::BatchNormOptions(channels).affine(false)));
  gain = register_module("gain", SNLinear(cond_dim, channels, /*bias=*/false));
  bias = register_module("bias", SNLinear(cond_dim, channels, /*bias=*/false));
}

torch::Tensor ConditionalBatchNormImpl::forward(const torch::Tensor& x, const torch::Tensor& cond) {
  auto g = (1 + gain(cond)).unsqueeze(-1).unsqueeze(-1);
  auto b = bias(cond).unsqueeze(-1).unsqueeze(-1);
  return bn(x) * g + b;
}

// ---- G ------------------------------------------------------------------------------------------
BigGanUpBlockImpl::BigGanUpBlockImpl(long long in, long long out, long long cond_dim) {
  bn1 = register_module("bn1", ConditionalBatchNorm(in, cond_dim));
  conv1 = register_module("conv1", SNConv2d(in, out, 3, 1, 1));
  bn2 = register_module("bn2", ConditionalBatchNorm(out, cond_dim));
  conv2 = register_module("conv2", SNConv2d(out, out, 3, 1, 1));
  shortcut = register_module("shortcut", SNConv2d(in, out, 1, 1, 0));
}

torch::Tensor BigGanUpBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& cond) {
  auto up = [](const torch::Tensor& t) {
    return F::interpolate(t, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest));
  };
  auto h = torch::relu(bn1(x, cond));
  h = conv1(up(h));
  h = conv2(torch::relu(bn2(h, cond)));
  return h + shortcut(up(x));
}

BigGanGeneratorImpl::BigGanGeneratorImpl(const BigGanOptions& o) : options(o) {
  check_biggan_options(o);
  const auto widths = g_widths(o.resolution);
  const int n_blocks = biggan_g_blocks(o.resolution);
  const long long chunk = biggan_chunk(o);
  const long long cond_dim = chunk + (o.num_classes > 0 ? o.embed_dim : 0);
  if (o.num_classes > 0) shared = register_module("shared", torch::nn::Embedding(o.num_classes, o.embed_dim));
  base_width = static_cast<long long>(o.ngf) * widths[0];
  linear = register_module("linear", SNLinear(biggan_input_chunk(o), 16 * base_width));
  blocks = register_module("blocks", torch::nn::ModuleList());
  int side = 4;
  for (int i = 0; i < n_blocks; ++i) {
    blocks->push_back(BigGanUpBlock(static_cast<long long>(o.ngf) * widths[static_cast<size_t>(i)],
                                    static_cast<long long>(o.ngf) * widths[static_cast<size_t>(i) + 1], cond_dim));
    side *= 2;
    if (side == o.attention_res && attention_after < 0) {
      attention_after = i;
      attention = register_module(
          "attention", SelfAttention(static_cast<long long>(o.ngf) * widths[static_cast<size_t>(i) + 1], true));
    }
  }
  const long long last = static_cast<long long>(o.ngf) * widths.back();
  out_bn = register_module("out_bn", SyncBatchNorm2d(last));
  out_conv = register_module("out_conv", SNConv2d(last, o.channels, 3, 1, 1));
}

torch::Tensor BigGanGeneratorImpl::embed(const torch::Tensor& labels, long long n) {
  if (options.num_classes <= 0) return torch::zeros({n, 0}, linear->weight.options());
  if (!labels.defined()) throw std::invalid_argument("this generator is class-conditional: it needs classes");
  return shared(labels.to(linear->weight.device(), torch::kLong));
}

torch::Tensor BigGanGeneratorImpl::generate(const torch::Tensor& z, const torch::Tensor& labels) {
  return generate_embedded(z, embed(labels, z.size(0)));
}

torch::Tensor BigGanGeneratorImpl::generate_embedded(const torch::Tensor& z, const torch::Tensor& embedding) {
  const long long chunk = biggan_chunk(options);
  std::vector<int64_t> sizes(blocks->size() + 1, chunk);
  sizes[0] = biggan_input_chunk(options);
  auto chunks = z.split_with_sizes(sizes, 1);
  auto h = linear(chunks[0]).view({-1, base_width, 4, 4});
  for (size_t i = 0; i < blocks->size(); ++i) {
    auto cond = torch::cat({chunks[i + 1], embedding}, 1);
    h = blocks[i]->as<BigGanUpBlockImpl>()->forward(h, cond);
    if (static_cast<int>(i) == attention_after) h = attention(h);
  }
  return torch::tanh(out_conv(torch::relu(out_bn(h))));
}

// ---- D ------------------------------------------------------------------------------------------
BigGanDownBlockImpl::BigGanDownBlockImpl(long long in, long long out, bool downsample, bool first)
    : downsample(downsample), first(first) {
  conv1 = register_module("conv1", SNConv2d(in, out, 3, 1, 1));
  conv2 = register_module("conv2", SNConv2d(out, out, 3, 1, 1));
  if (in != out || downsample) shortcut = register_module("shortcut", SNConv2d(in, out, 1, 1, 0));
}

torch::Tensor BigGanDownBlockImpl::forward(const torch::Tensor& x) {
  auto pool = [](const torch::Tensor& t) { return torch::avg_pool2d(t, 2); };
  auto h = first ? x : torch::relu(x);
  h = conv2(torch::relu(conv1(h)));
  if (downsample) h = pool(h);
  torch::Tensor s = x;
  if (first) {  // the authors' first block pools before its shortcut conv
    if (downsample) s = pool(s);
    if (shortcut) s = shortcut(s);
  } else {
    if (shortcut) s = shortcut(s);
    if (downsample) s = pool(s);
  }
  return h + s;
}

BigGanCriticImpl::BigGanCriticImpl(const BigGanOptions& o) : options(o) {
  check_biggan_options(o);
  const auto widths = d_widths(o.resolution);
  const auto downs = d_downsamples(o.resolution);
  blocks = register_module("blocks", torch::nn::ModuleList());
  long long in = o.channels;
  int side = o.resolution;
  for (size_t i = 0; i < widths.size(); ++i) {
    const long long out_w = static_cast<long long>(o.ndf) * widths[i];
    blocks->push_back(BigGanDownBlock(in, out_w, downs[i], i == 0));
    if (downs[i]) side /= 2;
    if (side == o.attention_res && attention_after < 0) {
      attention_after = static_cast<int>(i);
      attention = register_module("attention", SelfAttention(out_w, true));
    }
    in = out_w;
  }
  out = register_module("out", SNLinear(in, 1));
  if (o.num_classes > 0) embed = register_module("embed", SNLinear(o.num_classes, in, /*bias=*/false));
}

CriticOutput BigGanCriticImpl::judge(const torch::Tensor& x, const torch::Tensor& labels) {
  auto h = x;
  for (size_t i = 0; i < blocks->size(); ++i) {
    h = blocks[i]->as<BigGanDownBlockImpl>()->forward(h);
    if (static_cast<int>(i) == attention_after) h = attention(h);
  }
  h = torch::relu(h).sum({2, 3});
  CriticOutput o;
  o.score = out(h).squeeze(1);
  if (options.num_classes > 0) {
    if (!labels.defined()) throw std::invalid_argument("this discriminator is class-conditional: it needs classes");
    o.score = o.score + (embed(one_hot(labels.to(h.device()), options.num_classes)) * h).sum(1);
  }
  o.features = h;
  return o;
}

// ---- Standing statistics -----------------------------------------------------------------------
void standing_statistics(BigGanGeneratorImpl& g, double truncation, int batches, int batch, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  std::vector<std::pair<SyncBatchNorm2dImpl*, c10::optional<double>>> norms;
  for (auto& m : g.modules(false))
    if (auto* bn = dynamic_cast<SyncBatchNorm2dImpl*>(m.get())) {
      norms.emplace_back(bn, bn->options.momentum());
      bn->reset_running_stats();
      bn->options.momentum(c10::nullopt);  // a plain average over the batches
    }
  g.eval();
  for (auto& [bn, momentum] : norms) bn->train();
  const auto device = g.linear->weight.device();
  for (int b = 0; b < batches; ++b) {
    auto z = truncated_normal({batch, g.latent_dim()}, truncation, gen).to(device);
    torch::Tensor y;
    if (g.num_classes() > 0) y = torch::randint(g.num_classes(), {batch}, gen, torch::kLong).to(device);
    g.generate(z, y);
  }
  for (auto& [bn, momentum] : norms) {
    bn->options.momentum(momentum);
    bn->eval();
  }
}

void BigGanGeneratorImpl::prepare_export(torch::Generator& gen) { standing_statistics(*this, 0, 4, 64, gen); }

// ---- Orthogonal regularisation -----------------------------------------------------------------
torch::Tensor orthogonal_regularization(const std::vector<torch::Tensor>& weights, double beta) {
  torch::Tensor total;
  for (const auto& w : weights) {
    auto m = w.reshape({w.size(0), -1});
    auto gram = torch::mm(m, m.t());
    auto off = gram * (1 - torch::eye(gram.size(0), gram.options()));
    auto term = off.pow(2).sum();
    total = total.defined() ? total + term : term;
  }
  if (!total.defined()) return torch::zeros({});
  return 0.5 * beta * total;
}

std::vector<torch::Tensor> biggan_regularized_weights(BigGanGeneratorImpl& g) {
  std::vector<torch::Tensor> out;
  for (const auto& p : g.named_parameters(true)) {
    if (p.value().dim() < 2) continue;
    if (p.key().rfind("shared.", 0) == 0) continue;
    out.push_back(p.value());
  }
  return out;
}

}  // namespace gan
