#include "models/networks/discogan.h"

#include <algorithm>
#include <stdexcept>

namespace gan {
namespace nn = torch::nn;

int discogan_depth(int resolution) {
  int depth = 0;
  for (int r = resolution; r > 4; r /= 2) ++depth;
  if (depth < 1 || (4 << depth) != resolution)
    throw std::invalid_argument("DiscoGAN needs a power-of-two side of 8 px or more, not " + std::to_string(resolution));
  return depth;
}

DiscoGeneratorImpl::DiscoGeneratorImpl(int channels, int ngf, int resolution) {
  const int depth = discogan_depth(resolution);
  auto width = [&](int i) { return static_cast<int64_t>(ngf) << std::min(i, 3); };  // at most 8 ngf
  int64_t in = channels;
  for (int i = 0; i < depth; ++i) {
    net->push_back(nn::Conv2d(nn::Conv2dOptions(in, width(i), 4).stride(2).padding(1).bias(false)));
    if (i > 0) net->push_back(nn::BatchNorm2d(width(i)));
    net->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    in = width(i);
  }
  for (int i = depth - 2; i >= -1; --i) {
    const int64_t out = i >= 0 ? width(i) : channels;
    net->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1).bias(i < 0)));
    if (i >= 0) {
      net->push_back(nn::BatchNorm2d(out));
      net->push_back(nn::ReLU());
    } else {
      net->push_back(nn::Tanh());
    }
    in = out;
  }
  register_module("net", net);
}

torch::Tensor DiscoGeneratorImpl::forward(const torch::Tensor& x) { return net->forward(x); }

DiscoDiscriminatorImpl::DiscoDiscriminatorImpl(int channels, int ndf, int resolution) {
  const int depth = discogan_depth(resolution);
  int64_t in = channels;
  for (int i = 0; i < depth; ++i) {
    const int64_t out = static_cast<int64_t>(ndf) << std::min(i, 3);
    net->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(1).bias(false)));
    if (i > 0) net->push_back(nn::BatchNorm2d(out));
    net->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    in = out;
  }
  net->push_back(nn::Conv2d(nn::Conv2dOptions(in, 1, 4).bias(false)));
  register_module("net", net);
}

torch::Tensor DiscoDiscriminatorImpl::forward(const torch::Tensor& x) { return net->forward(x).flatten(); }

std::pair<torch::Tensor, std::vector<torch::Tensor>> DiscoDiscriminatorImpl::forward_features(const torch::Tensor& x) {
  std::vector<torch::Tensor> features;
  torch::Tensor h = x;
  bool normalised = false;
  for (const auto& m : net->children()) {
    h = m->as<torch::nn::Conv2d>()          ? m->as<torch::nn::Conv2d>()->forward(h)
        : m->as<torch::nn::BatchNorm2d>()   ? m->as<torch::nn::BatchNorm2d>()->forward(h)
                                            : m->as<torch::nn::LeakyReLU>()->forward(h);
    if (m->as<torch::nn::BatchNorm2d>()) normalised = true;
    if (m->as<torch::nn::LeakyReLU>() && normalised) features.push_back(h);
  }
  return {h.flatten(), features};
}

}  // namespace gan
