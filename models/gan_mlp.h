#pragma once
// GAN (Goodfellow et al., 2014): multilayer perceptrons for G and D, D with maxout units and dropout,
// k D steps per G step, the minimax G loss (the non-saturating one as an option).
#include <torch/torch.h>

#include "models/family.h"

namespace gan {

struct MlpOptions {
  long long latent_dim = 100;
  int resolution = 28;
  int channels = 1;
  long long g_hidden = 1200;  // two ReLU layers of this width
  long long d_hidden = 240;   // two maxout layers of this many units
  int pieces = 5;             // linear pieces per maxout unit
};

// z -> ReLU(1200) -> ReLU(1200) -> tanh(C*R*R), reshaped to an image (the paper's sigmoid on [0, 1]
// data, here on [-1, 1]).
struct MlpGeneratorImpl : torch::nn::Module {
  explicit MlpGeneratorImpl(const MlpOptions& o);
  torch::Tensor forward(const torch::Tensor& z);
  MlpOptions options;
  torch::nn::Sequential net;
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
struct MlpDiscriminatorImpl : torch::nn::Module {
  explicit MlpDiscriminatorImpl(const MlpOptions& o);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential net;
};
TORCH_MODULE(MlpDiscriminator);

FamilyInfo gan_family_info();

}  // namespace gan
