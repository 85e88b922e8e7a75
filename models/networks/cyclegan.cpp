#include "models/networks/cyclegan.h"

#include <algorithm>

namespace gan {
using namespace torch::nn;

static InstanceNorm2d instance_norm(long long ch) {
  return InstanceNorm2d(InstanceNorm2dOptions(ch).affine(false).track_running_stats(false));
}

ResnetBlockImpl::ResnetBlockImpl(long long ch) {
  body->push_back(ReflectionPad2d(ReflectionPad2dOptions(1)));
  body->push_back(Conv2d(Conv2dOptions(ch, ch, 3)));
  body->push_back(instance_norm(ch));
  body->push_back(ReLU(ReLUOptions(true)));
  body->push_back(ReflectionPad2d(ReflectionPad2dOptions(1)));
  body->push_back(Conv2d(Conv2dOptions(ch, ch, 3)));
  body->push_back(instance_norm(ch));
  register_module("body", body);
}

torch::Tensor ResnetBlockImpl::forward(const torch::Tensor& x) { return x + body->forward(x); }

ResnetGeneratorImpl::ResnetGeneratorImpl(const ResnetGeneratorOptions& o) : options(o) {
  net->push_back(ReflectionPad2d(ReflectionPad2dOptions(3)));
  net->push_back(Conv2d(Conv2dOptions(o.in_channels, o.ngf, 7)));
  net->push_back(instance_norm(o.ngf));
  net->push_back(ReLU(ReLUOptions(true)));
  long long ch = o.ngf;
  for (int i = 0; i < o.downsamplings; ++i, ch *= 2) {
    net->push_back(Conv2d(Conv2dOptions(ch, ch * 2, 3).stride(2).padding(1)));
    net->push_back(instance_norm(ch * 2));
    net->push_back(ReLU(ReLUOptions(true)));
  }
  for (int i = 0; i < o.blocks; ++i) net->push_back(ResnetBlock(ch));
  for (int i = 0; i < o.downsamplings; ++i, ch /= 2) {
    net->push_back(ConvTranspose2d(ConvTranspose2dOptions(ch, ch / 2, 3).stride(2).padding(1).output_padding(1)));
    net->push_back(instance_norm(ch / 2));
    net->push_back(ReLU(ReLUOptions(true)));
  }
  net->push_back(ReflectionPad2d(ReflectionPad2dOptions(3)));
  net->push_back(Conv2d(Conv2dOptions(o.ngf, o.out_channels, 7)));
  net->push_back(Tanh());
  register_module("net", net);
}

torch::Tensor ResnetGeneratorImpl::forward(const torch::Tensor& x) { return net->forward(x); }

PatchDiscriminatorImpl::PatchDiscriminatorImpl(int channels, int ndf, int layers) {
  auto lrelu = [] { return LeakyReLU(LeakyReLUOptions().negative_slope(0.2).inplace(true)); };
  net->push_back(Conv2d(Conv2dOptions(channels, ndf, 4).stride(2).padding(1)));
  net->push_back(lrelu());
  long long mult = 1;
  for (int n = 1; n < layers; ++n) {
    const long long prev = mult;
    mult = std::min<long long>(1LL << n, 8);
    net->push_back(Conv2d(Conv2dOptions(ndf * prev, ndf * mult, 4).stride(2).padding(1)));
    net->push_back(instance_norm(ndf * mult));
    net->push_back(lrelu());
  }
  const long long prev = mult;
  mult = std::min<long long>(1LL << layers, 8);
  net->push_back(Conv2d(Conv2dOptions(ndf * prev, ndf * mult, 4).stride(1).padding(1)));
  net->push_back(instance_norm(ndf * mult));
  net->push_back(lrelu());
  net->push_back(Conv2d(Conv2dOptions(ndf * mult, 1, 4).stride(1).padding(1)));
  register_module("net", net);
}

torch::Tensor PatchDiscriminatorImpl::forward(const torch::Tensor& x) { return net->forward(x); }

int patch_receptive_field(int layers) {
  int r = 1 + 3 + 3;  // the two stride-1 4x4 convolutions
  for (int i = 0; i < layers; ++i) r = 2 * r + 2;
  return r;
}

}  // namespace gan
