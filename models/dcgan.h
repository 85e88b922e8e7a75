#pragma once
// DCGAN (Radford, Metz & Chintala, 2016): all-convolutional G and D with batch norm, the
// non-saturating GAN loss, Adam(2e-4, beta1 = 0.5).
#include <torch/torch.h>

#include "models/family.h"

namespace gan {

struct DcganOptions {
  long long latent_dim = 100;
  int resolution = 32;  // a power of two, 16 to 128
  int channels = 1;
  int ngf = 64;
  int ndf = 64;
};

// z (N x latent_dim) -> image (N x C x R x R) in [-1, 1]: a 4x4 projection, stride-2 transposed
// convolutions that halve the channels as they double the size, batch norm and ReLU, then tanh.
struct DcganGeneratorImpl : torch::nn::Module {
  explicit DcganGeneratorImpl(const DcganOptions& o);
  torch::Tensor forward(const torch::Tensor& z);
  DcganOptions options;
  torch::nn::Sequential net;
};
TORCH_MODULE(DcganGenerator);

enum class CriticNorm { Batch, Layer, None };

struct CriticOptions {
  CriticOptions(const DcganOptions& b = {}) : base(b) {}  // NOLINT: a DCGAN discriminator by default
  DcganOptions base;
  CriticNorm norm = CriticNorm::Batch;
  bool spectral = false;  // spectral normalisation on every layer (SNGAN)
};

// image -> one score per image: stride-2 4x4 convolutions with leaky ReLU (0.2), normalisation on all
// but the first, and a final 4x4 convolution to a single unbounded score (no sigmoid: the losses take
// logits or scores). With CriticNorm::Batch and no spectral norm this is DCGAN's discriminator; the
// other families swap the normalisation (WGAN-GP: layer norm or none) or add spectral norm (SNGAN).
struct ConvCriticImpl : torch::nn::Module {
  explicit ConvCriticImpl(const CriticOptions& o);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential net;
};
TORCH_MODULE(ConvCritic);
using DcganDiscriminator = ConvCritic;

FamilyInfo dcgan_family_info();

}  // namespace gan
