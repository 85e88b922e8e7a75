#include "models/dcgan.h"

#include <stdexcept>

#include "models/latent.h"
#include "models/conv_gan.h"
#include "models/layers.h"
#include "models/spectral_norm.h"

namespace gan {
namespace F = torch::nn::functional;
using namespace torch::nn;

DcganGeneratorImpl::DcganGeneratorImpl(const DcganOptions& o) : options(o) {
  long long ch = static_cast<long long>(o.ngf) * (o.resolution / 8);
  net->push_back(ConvTranspose2d(ConvTranspose2dOptions(o.latent_dim, ch, 4).stride(1).padding(0).bias(false)));
  net->push_back(BatchNorm2d(ch));
  net->push_back(ReLU(ReLUOptions(true)));
  for (int size = 4; size < o.resolution / 2; size *= 2, ch /= 2) {
    net->push_back(ConvTranspose2d(ConvTranspose2dOptions(ch, ch / 2, 4).stride(2).padding(1).bias(false)));
    net->push_back(BatchNorm2d(ch / 2));
    net->push_back(ReLU(ReLUOptions(true)));
  }
  net->push_back(ConvTranspose2d(ConvTranspose2dOptions(ch, o.channels, 4).stride(2).padding(1).bias(false)));
  net->push_back(Tanh());
  register_module("net", net);
}

torch::Tensor DcganGeneratorImpl::forward(const torch::Tensor& z) {
  return net->forward(z.view({z.size(0), -1, 1, 1}));
}

ConvCriticImpl::ConvCriticImpl(const CriticOptions& c) {
  const DcganOptions& o = c.base;
  auto conv = [&](long long in, long long out, int stride, int padding) -> AnyModule {
    if (c.spectral) return AnyModule(SNConv2d(in, out, 4, stride, padding, /*bias=*/false));
    return AnyModule(Conv2d(Conv2dOptions(in, out, 4).stride(stride).padding(padding).bias(false)));
  };
  long long ch = o.ndf;
  net->push_back(conv(o.channels, ch, 2, 1));
  net->push_back(LeakyReLU(LeakyReLUOptions().negative_slope(0.2).inplace(true)));
  for (int size = o.resolution / 2; size > 4; size /= 2, ch *= 2) {
    net->push_back(conv(ch, ch * 2, 2, 1));
    if (c.norm == CriticNorm::Batch) net->push_back(BatchNorm2d(ch * 2));
    if (c.norm == CriticNorm::Layer)
      net->push_back(LayerNorm(LayerNormOptions({ch * 2, size / 2, size / 2})));
    net->push_back(LeakyReLU(LeakyReLUOptions().negative_slope(0.2).inplace(true)));
  }
  net->push_back(conv(ch, 1, 1, 0));
  register_module("net", net);
}

torch::Tensor ConvCriticImpl::forward(const torch::Tensor& x) { return net->forward(x).view({-1}); }

FamilyInfo dcgan_family_info() {
  FamilyInfo f;
  f.id = "dcgan";
  f.name = "DCGAN";
  f.summary =
      "Deep convolutional GAN. The generator projects z to a 4x4 map and doubles it with strided "
      "transposed convolutions, batch norm and ReLU, ending in tanh; the discriminator mirrors it with "
      "strided convolutions and leaky ReLU. No pooling and no fully connected hidden layers. Trained "
      "with the non-saturating loss and Adam (lr 2e-4, beta1 0.5), weights drawn from N(0, 0.02).";
  f.paper =
      "A. Radford, L. Metz, S. Chintala. Unsupervised Representation Learning with Deep Convolutional "
      "Generative Adversarial Networks. ICLR 2016. arXiv:1511.06434";
  f.caps.latent_dim = 100;
  f.caps.truncation = TruncationKind::ResampleNormal;
  f.caps.series = {"loss_d", "loss_g", "d_real", "d_fake"};
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers (the paper lowers it to 0.5)");
  f.params.push_back(d_steps_param("1"));
  for (auto& p : technique_params(/*log_loss=*/true)) f.params.push_back(p);
  for (auto& p : conv_network_params()) f.params.push_back(p);
  for (auto& p : shared_params(64)) f.params.push_back(p);
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) {
    return make_adversarial_family(info, s, AdversarialRecipe::NonSaturating);
  };
  return f;
}

}  // namespace gan
