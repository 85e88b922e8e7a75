#include "models/networks/stargan.h"

#include <stdexcept>

namespace gan {
using namespace torch::nn;

static InstanceNorm2d affine_instance_norm(int64_t ch) {
  return InstanceNorm2d(InstanceNorm2dOptions(ch).affine(true).track_running_stats(false));
}

torch::Tensor replicate_labels(const torch::Tensor& labels, int64_t height, int64_t width) {
  if (labels.dim() != 2) throw std::invalid_argument("the target labels must be N x K");
  return labels.view({labels.size(0), labels.size(1), 1, 1}).expand({-1, -1, height, width});
}

torch::Tensor with_mask(const torch::Tensor& labels, const std::vector<int>& groups, int group) {
  if (groups.size() < 2) return labels;
  if (group < 0 || group >= static_cast<int>(groups.size()) || labels.size(1) != groups[static_cast<size_t>(group)])
    throw std::invalid_argument("the labels do not fit their dataset's place in the mask vector");
  int64_t total = 0, offset = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (static_cast<int>(g) == group) offset = total;
    total += groups[g];
  }
  auto out = torch::zeros({labels.size(0), total + static_cast<int64_t>(groups.size())}, labels.options());
  out.narrow(1, offset, labels.size(1)).copy_(labels);
  out.select(1, total + group).fill_(1);
  return out;
}

StarResidualBlockImpl::StarResidualBlockImpl(int64_t ch) {
  body->push_back(Conv2d(Conv2dOptions(ch, ch, 3).padding(1).bias(false)));
  body->push_back(affine_instance_norm(ch));
  body->push_back(ReLU(ReLUOptions(true)));
  body->push_back(Conv2d(Conv2dOptions(ch, ch, 3).padding(1).bias(false)));
  body->push_back(affine_instance_norm(ch));
  register_module("body", body);
}

torch::Tensor StarResidualBlockImpl::forward(const torch::Tensor& x) { return x + body->forward(x); }

StarGeneratorImpl::StarGeneratorImpl(const StarGeneratorOptions& o) : options(o) {
  net->push_back(Conv2d(Conv2dOptions(o.channels + o.label_dim, o.ngf, 7).padding(3).bias(false)));
  net->push_back(affine_instance_norm(o.ngf));
  net->push_back(ReLU(ReLUOptions(true)));
  int64_t ch = o.ngf;
  for (int i = 0; i < 2; ++i, ch *= 2) {
    net->push_back(Conv2d(Conv2dOptions(ch, ch * 2, 4).stride(2).padding(1).bias(false)));
    net->push_back(affine_instance_norm(ch * 2));
    net->push_back(ReLU(ReLUOptions(true)));
  }
  for (int i = 0; i < o.blocks; ++i) net->push_back(StarResidualBlock(ch));
  for (int i = 0; i < 2; ++i, ch /= 2) {
    net->push_back(ConvTranspose2d(ConvTranspose2dOptions(ch, ch / 2, 4).stride(2).padding(1).bias(false)));
    net->push_back(affine_instance_norm(ch / 2));
    net->push_back(ReLU(ReLUOptions(true)));
  }
  net->push_back(Conv2d(Conv2dOptions(o.ngf, o.channels, 7).padding(3).bias(false)));
  net->push_back(Tanh());
  register_module("net", net);
}

torch::Tensor StarGeneratorImpl::forward(const torch::Tensor& x, const torch::Tensor& labels) {
  if (labels.size(1) != options.label_dim)
    throw std::invalid_argument("the generator takes " + std::to_string(options.label_dim) + " labels, not " +
                                std::to_string(labels.size(1)));
  return net->forward(torch::cat({x, replicate_labels(labels.to(x.dtype()), x.size(2), x.size(3))}, 1));
}

int stargan_depth(int resolution) {
  int depth = 0;
  for (int r = resolution; r > 2; r /= 2) ++depth;
  return depth;
}

StarDiscriminatorImpl::StarDiscriminatorImpl(int channels, int ndf, int resolution, int domains) {
  const int depth = stargan_depth(resolution);
  if (resolution < 4 || (resolution & (resolution - 1)) != 0)
    throw std::invalid_argument("StarGAN's discriminator needs a power-of-two side of at least 4 px");
  int64_t ch = ndf;
  trunk->push_back(Conv2d(Conv2dOptions(channels, ch, 4).stride(2).padding(1)));
  trunk->push_back(LeakyReLU(LeakyReLUOptions().negative_slope(0.01)));
  for (int i = 1; i < depth; ++i, ch *= 2) {
    trunk->push_back(Conv2d(Conv2dOptions(ch, ch * 2, 4).stride(2).padding(1)));
    trunk->push_back(LeakyReLU(LeakyReLUOptions().negative_slope(0.01)));
  }
  source = Conv2d(Conv2dOptions(ch, 1, 3).padding(1).bias(false));
  domain = Conv2d(Conv2dOptions(ch, domains, 2).bias(false));  // the whole 2 x 2 map
  register_module("trunk", trunk);
  register_module("source", source);
  register_module("domain", domain);
}

StarScores StarDiscriminatorImpl::forward(const torch::Tensor& x) {
  auto h = trunk->forward(x);
  return {source->forward(h), domain->forward(h).flatten(1)};
}

}  // namespace gan
