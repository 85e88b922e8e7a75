#include "models/networks/mlp.h"

#include <string>

#include "models/core/random.h"

namespace gan {
using namespace torch::nn;
namespace F = torch::nn::functional;

MlpGeneratorImpl::MlpGeneratorImpl(const MlpOptions& o) : options(o) {
  const long long out = static_cast<long long>(o.channels) * o.resolution * o.resolution;
  if (o.num_classes > 0) {
    z_in = register_module("z_in", Linear(o.latent_dim, 200));
    y_in = register_module("y_in", Linear(o.num_classes, 1000));
    net->push_back(Linear(1200, o.g_hidden));
  } else {
    net->push_back(Linear(o.latent_dim, o.g_hidden));
    net->push_back(ReLU(ReLUOptions(true)));
    net->push_back(Linear(o.g_hidden, o.g_hidden));
  }
  net->push_back(ReLU(ReLUOptions(true)));
  net->push_back(Linear(o.g_hidden, out));
  net->push_back(Tanh());
  register_module("net", net);
  if (o.seeded_dropout && o.g_dropout > 0) drop = register_module("drop", SeededDropout(o.g_dropout, o.dropout_seed));
}

torch::Tensor MlpGeneratorImpl::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  auto dropped = [&](const torch::Tensor& x) {
    if (options.g_dropout <= 0) return x;
    if (drop) return drop->forward(x);
    return F::dropout(x, F::DropoutFuncOptions().p(options.g_dropout).training(is_training()));
  };
  auto h = z;
  if (options.num_classes > 0) {
    TORCH_CHECK(labels.defined() && labels.size(0) == z.size(0), "this generator needs a class for every latent");
    h = dropped(torch::cat({torch::relu(z_in->forward(z)), torch::relu(y_in->forward(one_hot(labels, options.num_classes)))}, 1));
  }
  for (auto& m : *net) {  // the hidden layers' ReLUs are followed by dropout when it is on
    h = m.forward(h);
    if (m.ptr()->as<torch::nn::ReLU>()) h = dropped(h);
  }
  return h.view({-1, options.channels, options.resolution, options.resolution});
}

MaxoutImpl::MaxoutImpl(long long in, long long units, int pieces) : units(units), pieces(pieces) {
  linear = register_module("linear", Linear(in, units * pieces));
}

torch::Tensor MaxoutImpl::forward(const torch::Tensor& x) {
  return std::get<0>(linear->forward(x).view({x.size(0), units, pieces}).max(2));
}

MlpDiscriminatorImpl::MlpDiscriminatorImpl(const MlpOptions& o) : options(o) {
  const long long in = static_cast<long long>(o.channels) * o.resolution * o.resolution;
  unsigned long long stream = o.dropout_seed + 100;  // each dropout layer its own stream
  auto dropout = [&](double p) {
    if (o.seeded_dropout) net->push_back(SeededDropout(p, stream++));
    else net->push_back(Dropout(p));
  };
  if (o.num_classes > 0) {
    x_in = register_module("x_in", Maxout(in, o.d_hidden, o.pieces));
    y_in = register_module("y_in", Maxout(o.num_classes, 50, o.pieces));
    if (o.seeded_dropout) x_drop = register_module("x_drop", SeededDropout(0.5, stream++));
    net->push_back(Maxout(o.d_hidden + 50, o.d_hidden, 4));
    dropout(0.5);
  } else {
    net->push_back(Flatten());
    dropout(0.2);
    net->push_back(Maxout(in, o.d_hidden, o.pieces));
    dropout(0.5);
    net->push_back(Maxout(o.d_hidden, o.d_hidden, o.pieces));
    dropout(0.5);
  }
  if (o.mbd_kernels > 0) {
    mbd = register_module("mbd", MinibatchDiscrimination(o.d_hidden, o.mbd_kernels, o.mbd_dim));
    head = register_module("head", Linear(o.d_hidden + o.mbd_kernels, 1));
  } else {
    net->push_back(Linear(o.d_hidden, 1));
  }
  register_module("net", net);
}

CriticOutput MlpDiscriminatorImpl::judge(const torch::Tensor& x, const torch::Tensor& labels) {
  torch::Tensor h = x;
  if (options.num_classes > 0) {
    TORCH_CHECK(labels.defined() && labels.size(0) == x.size(0), "this discriminator needs the class of every image");
    auto xh = x_in->forward(x.flatten(1));
    xh = x_drop ? x_drop->forward(xh) : F::dropout(xh, F::DropoutFuncOptions().p(0.5).training(is_training()));
    h = torch::cat({xh, y_in->forward(one_hot(labels, options.num_classes))}, 1);
  }
  const auto end = options.mbd_kernels > 0 ? net->end() : net->end() - 1;
  for (auto it = net->begin(); it != end; ++it) h = it->forward(h);
  CriticOutput out;
  out.features = h;
  auto raw = options.mbd_kernels > 0 ? head->forward(torch::cat({h, mbd->forward(h)}, 1))
                                     : (net->end() - 1)->forward(h);
  out.score = raw.view({-1});
  return out;
}

torch::Tensor MlpDiscriminatorImpl::forward(const torch::Tensor& x) { return judge(x).score; }

// ---- Salimans et al.'s discriminator ----------------------------------------------------------------
SalimansCriticImpl::SalimansCriticImpl(long long inputs, int classes, unsigned long long seed) {
  torch::Generator gen = make_cpu_generator(seed);
  long long in = inputs;
  const std::vector<long long> widths{1000, 500, 250, 250, 250, classes};
  for (size_t i = 0; i < widths.size(); ++i) {
    const bool last = i + 1 == widths.size();
    layers.push_back(register_module("wn" + std::to_string(i), WeightNormLinear(in, widths[i], /*train_scale=*/last)));
    torch::NoGradGuard no_grad;
    layers.back()->v.normal_(0.0, 0.05, gen);
    in = widths[i];
  }
  noise = RandomStream(*this, seed + 1);
  initialised_ = register_buffer("initialised", torch::zeros({1}, torch::kBool));
}

CriticOutput SalimansCriticImpl::judge(const torch::Tensor& x, const torch::Tensor&) {
  auto noisy = [&](const torch::Tensor& h, double sigma) {
    if (!is_training()) return h;
    return h + sigma * noise.randn(h.sizes()).to(h.device());
  };
  auto h = noisy(x.flatten(1), 0.3);
  CriticOutput out;
  for (size_t i = 0; i + 1 < layers.size(); ++i) {
    h = torch::relu(layers[i]->forward(h));
    if (i + 2 == layers.size()) out.features = h;
    h = noisy(h, 0.5);
  }
  out.class_logits = layers.back()->forward(h);
  out.score = out.class_logits.logsumexp(1);
  return out;
}

void SalimansCriticImpl::init_from(const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  auto h = images.flatten(1);
  for (size_t i = 0; i < layers.size(); ++i) {
    h = layers[i]->init_from(h);
    if (i + 1 < layers.size()) h = torch::relu(h);
  }
  initialised_.fill_(true);
}

}  // namespace gan
