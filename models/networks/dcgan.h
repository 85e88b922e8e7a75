#pragma once
// DCGAN's networks (Radford, Metz & Chintala, 2016): all-convolutional G and D with batch norm, and
// the options the families built on them switch on.
#include <torch/torch.h>

#include "models/layers/blocks.h"
#include "models/networks/image_nets.h"

namespace gan {

enum class GeneratorNorm { Batch, Virtual };

struct DcganOptions {
  long long latent_dim = 100;
  int resolution = 32;  // a power of two, 16 to 128
  int channels = 1;
  int ngf = 64;
  int ndf = 64;
  int num_classes = 0;  // > 0: G takes a class, its one-hot code joined to z (cGAN, ACGAN)
  GeneratorNorm norm = GeneratorNorm::Batch;
  long long vbn_reference = 64;  // the reference batch of virtual batch norm
  bool spectral = false;         // spectral norm on G's convolutions (SAGAN)
  int attention_res = 0;         // > 0: a self-attention block on the feature map of this side (SAGAN)
};

// z (N x latent_dim) -> image (N x C x R x R) in [-1, 1]: a 4x4 projection, stride-2 transposed
// convolutions that halve the channels as they double the size, batch norm and ReLU, then tanh.
// Options add a class input, virtual batch norm, spectral norm and self-attention.
struct DcganGeneratorImpl : ImageGenerator {
  explicit DcganGeneratorImpl(const DcganOptions& o);
  // labels: N int64 when the generator is conditional (required then), else ignored.
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels = {});
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override { return forward(z, labels); }
  // The self-attention block's map for these latents (SelfAttentionImpl::attention: N x HW x HW at the
  // block's side), or undefined when G has no block.
  torch::Tensor attention(const torch::Tensor& z, const torch::Tensor& labels = {});
  long long latent_dim() const override { return options.latent_dim; }
  int num_classes() const override { return options.num_classes; }
  int resolution() const override { return options.resolution; }
  int channels() const override { return options.channels; }
  DcganOptions options;
  torch::nn::Sequential net;
  torch::Tensor reference_z, reference_labels;  // virtual batch norm's fixed reference batch (buffers)

 private:
  torch::Tensor run(const torch::Tensor& z, const torch::Tensor& labels, bool attention_map);
};
TORCH_MODULE(DcganGenerator);

// Layer: each example over its channels and positions, with a scale and shift per channel (Gulrajani et
// al.); LayerElementwise: with one per element (runs of revision 1).
enum class CriticNorm { Batch, Layer, LayerElementwise, None };

struct CriticOptions {
  CriticOptions(const DcganOptions& b = {}) : base(b) {}  // NOLINT: a DCGAN discriminator by default
  DcganOptions base;
  CriticNorm norm = CriticNorm::Batch;
  bool spectral = false;       // spectral normalisation on every layer (SNGAN, SAGAN)
  bool spectral_mbd = true;    // with spectral: on minibatch discrimination's tensor too (not in revision 1)
  bool bias = false;           // a bias on every convolution (the critics without batch norm)
  int label_channels = 0;      // cGAN: the one-hot class joined to the input as this many constant maps
  int aux_classes = 0;         // ACGAN: an auxiliary classifier head with this many classes
  int class_logits = 0;        // SGAN: K class logits; the real/fake score is their log-sum-exp
  long long mbd_kernels = 0;   // minibatch discrimination: B kernels of dimension mbd_dim (0: off)
  long long mbd_dim = 5;
  int attention_res = 0;       // self-attention on the feature map of this side (SAGAN)
};

// image -> one score per image: stride-2 4x4 convolutions with leaky ReLU (0.2), normalisation on all
// but the first, and a final 4x4 convolution to a single unbounded score (no sigmoid: the losses take
// logits or scores). With CriticNorm::Batch and no spectral norm this is DCGAN's discriminator; the
// other families swap the normalisation (WGAN-GP: layer norm or none), add spectral norm (SNGAN), a
// class input (cGAN), class heads (ACGAN, SGAN), minibatch discrimination or self-attention.
struct ConvCriticImpl : ImageCritic {
  explicit ConvCriticImpl(const CriticOptions& o);
  torch::Tensor forward(const torch::Tensor& x);  // the score, for critics without a class input
  CriticOutput judge(const torch::Tensor& x, const torch::Tensor& labels = {}) override;
  CriticOptions options;
  torch::nn::Sequential net;     // the hidden layers, and the final 4x4 convolution unless mbd is on
  torch::nn::AnyModule head;      // with minibatch discrimination: [features, o] -> outputs
  MinibatchDiscrimination mbd{nullptr};
  torch::nn::AnyModule aux;      // ACGAN's class head
  bool final_conv = true;
};
TORCH_MODULE(ConvCritic);
using DcganDiscriminator = ConvCritic;

}  // namespace gan
