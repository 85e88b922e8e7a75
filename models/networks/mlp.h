#pragma once
// The multilayer perceptrons of GAN (Goodfellow et al., 2014; D with maxout units and dropout), of
// cGAN (Mirza & Osindero, 2014) and of Salimans et al.'s semi-supervised discriminator (2016).
#include <torch/torch.h>

#include <vector>

#include "models/layers/blocks.h"
#include "models/layers/random_stream.h"
#include "models/networks/image_nets.h"

namespace gan {

struct MlpOptions {
  long long latent_dim = 100;
  int resolution = 28;
  int channels = 1;
  long long g_hidden = 1200;  // two ReLU layers of this width
  long long d_hidden = 240;   // two maxout layers of this many units
  int pieces = 5;             // linear pieces per maxout unit
  int num_classes = 0;        // > 0: the conditional networks of Mirza & Osindero (cGAN)
  double g_dropout = 0;       // dropout on G's hidden layers while training (cGAN: 0.5)
  long long mbd_kernels = 0;  // minibatch discrimination before D's output (0: off)
  long long mbd_dim = 5;
  // Dropout masks from the networks' own seeded streams (SeededDropout, saved with them); otherwise from
  // LibTorch's global generator (runs before model revision 3), which neither a seed nor a checkpoint fixes.
  bool seeded_dropout = false;
  unsigned long long dropout_seed = 0;
};

// z -> ReLU(1200) -> ReLU(1200) -> tanh(C*R*R), reshaped to an image (the paper's sigmoid on [0, 1]
// data, here on [-1, 1]). Conditional (cGAN): z -> ReLU(200) and y -> ReLU(1000), joined ->
// ReLU(1200) -> tanh(C*R*R), as Mirza & Osindero's MNIST model, with dropout (g_dropout) on every hidden
// layer while training ("dropout with probability 0.5 was applied to both the generator and discriminator").
struct MlpGeneratorImpl : ImageGenerator {
  explicit MlpGeneratorImpl(const MlpOptions& o);
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels = {});
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override { return forward(z, labels); }
  long long latent_dim() const override { return options.latent_dim; }
  int num_classes() const override { return options.num_classes; }
  int resolution() const override { return options.resolution; }
  int channels() const override { return options.channels; }
  MlpOptions options;
  torch::nn::Sequential net;                 // unconditional: the whole network; conditional: the joint part
  torch::nn::Linear z_in{nullptr}, y_in{nullptr};  // conditional: the two input branches
  SeededDropout drop{nullptr};               // with seeded_dropout and g_dropout > 0
};
TORCH_MODULE(MlpGenerator);

// A maxout layer: `units` outputs, each the largest of `pieces` affine functions of the input.
struct MaxoutImpl : torch::nn::Module {
  MaxoutImpl(long long in, long long units, int pieces);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear linear{nullptr};
  long long units;
  int pieces;
};
TORCH_MODULE(Maxout);

// image -> dropout(0.2) -> maxout(240 x 5) -> dropout(0.5) -> maxout(240 x 5) -> dropout(0.5) -> logit.
// Conditional (cGAN): x -> maxout(240 x 5) and y -> maxout(50 x 5), joined -> maxout(240 x 4) ->
// dropout(0.5) -> logit, as Mirza & Osindero's.
struct MlpDiscriminatorImpl : ImageCritic {
  explicit MlpDiscriminatorImpl(const MlpOptions& o);
  torch::Tensor forward(const torch::Tensor& x);  // unconditional networks only
  CriticOutput judge(const torch::Tensor& x, const torch::Tensor& labels = {}) override;
  MlpOptions options;
  torch::nn::Sequential net;  // up to the last hidden layer, then the output layer unless mbd is on
  Maxout x_in{nullptr}, y_in{nullptr};  // conditional: the two input branches; `net` is the joint part
  SeededDropout x_drop{nullptr};        // conditional, with seeded_dropout: after x_in
  torch::nn::Linear head{nullptr};
  MinibatchDiscrimination mbd{nullptr};
};
TORCH_MODULE(MlpDiscriminator);

// Salimans et al.'s MNIST discriminator (improved-gan, train_mnist_feature_matching.py): the image
// flattened, Gaussian noise (sigma 0.3), then weight-normalised ReLU layers of 1000, 500, 250, 250 and 250
// units each followed by Gaussian noise (sigma 0.5), then a weight-normalised linear layer of K class
// logits whose scale is learnt. Noise only while training, drawn from the network's own stream (seeded,
// saved with it). The real/fake score is the logits' log-sum-exp (D(x) = Z / (Z + 1)); the features are
// the last hidden layer's output (feature matching).
struct SalimansCriticImpl : ImageCritic {
  SalimansCriticImpl(long long inputs, int classes, unsigned long long seed);
  CriticOutput judge(const torch::Tensor& x, const torch::Tensor& labels = {}) override;
  // The data-dependent initialisation (WeightNormLinear::init_from, layer by layer, without noise), on
  // images in [-1, 1]; after it, initialised() is true (a buffer, so a resumed run does not repeat it).
  void init_from(const torch::Tensor& images);
  bool initialised() const { return initialised_.item<bool>(); }
  std::vector<WeightNormLinear> layers;  // the hidden layers, then the output layer
  RandomStream noise;
  torch::Tensor initialised_;
};
TORCH_MODULE(SalimansCritic);

}  // namespace gan
