#include "models/networks/mlp.h"

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
}

torch::Tensor MlpGeneratorImpl::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  auto drop = [&](const torch::Tensor& x) {
    if (options.g_dropout <= 0) return x;
    return F::dropout(x, F::DropoutFuncOptions().p(options.g_dropout).training(is_training()));
  };
  auto h = z;
  if (options.num_classes > 0) {
    TORCH_CHECK(labels.defined() && labels.size(0) == z.size(0), "this generator needs a class for every latent");
    h = drop(torch::cat({torch::relu(z_in->forward(z)), torch::relu(y_in->forward(one_hot(labels, options.num_classes)))}, 1));
  }
  for (auto& m : *net) {  // the hidden layers' ReLUs are followed by dropout when it is on
    h = m.forward(h);
    if (m.ptr()->as<torch::nn::ReLU>()) h = drop(h);
  }
  return h.view({z.size(0), options.channels, options.resolution, options.resolution});
}

MaxoutImpl::MaxoutImpl(long long in, long long units, int pieces) : units(units), pieces(pieces) {
  linear = register_module("linear", Linear(in, units * pieces));
}

torch::Tensor MaxoutImpl::forward(const torch::Tensor& x) {
  return std::get<0>(linear->forward(x).view({x.size(0), units, pieces}).max(2));
}

MlpDiscriminatorImpl::MlpDiscriminatorImpl(const MlpOptions& o) : options(o) {
  const long long in = static_cast<long long>(o.channels) * o.resolution * o.resolution;
  if (o.num_classes > 0) {
    x_in = register_module("x_in", Maxout(in, o.d_hidden, o.pieces));
    y_in = register_module("y_in", Maxout(o.num_classes, 50, o.pieces));
    net->push_back(Maxout(o.d_hidden + 50, o.d_hidden, 4));
    net->push_back(Dropout(0.5));
  } else {
    net->push_back(Flatten());
    net->push_back(Dropout(0.2));
    net->push_back(Maxout(in, o.d_hidden, o.pieces));
    net->push_back(Dropout(0.5));
    net->push_back(Maxout(o.d_hidden, o.d_hidden, o.pieces));
    net->push_back(Dropout(0.5));
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
    h = torch::cat({F::dropout(x_in->forward(x.flatten(1)), F::DropoutFuncOptions().p(0.5).training(is_training())),
                    y_in->forward(one_hot(labels, options.num_classes))},
                   1);
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

}  // namespace gan
