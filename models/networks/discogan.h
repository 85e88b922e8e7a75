#pragma once
// DiscoGAN's networks (Kim, Cha, Kim, Lee & Kim, 2017; the authors' SKTBrain/DiscoGAN): an
// encoder-decoder generator and a convolutional discriminator, as in the paper's Figure 3.
#include <torch/torch.h>

#include <utility>
#include <vector>

namespace gan {

// The stride-2 layers that take a side of `resolution` down to 4 (the paper: 4, for 64 px).
int discogan_depth(int resolution);

// Image -> image: `depth` stride-2 4x4 convolutions (channels ngf, 2 ngf, ... ; batch norm after the
// first, leaky ReLU 0.2), then as many stride-2 4x4 transposed convolutions back (batch norm and ReLU,
// the last with tanh). No skip connections: everything passes the 4x4 bottleneck.
struct DiscoGeneratorImpl : torch::nn::Module {
  DiscoGeneratorImpl(int channels, int ngf, int resolution);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential net;
};
TORCH_MODULE(DiscoGenerator);

// Image -> one logit: `depth` stride-2 4x4 convolutions (leaky ReLU 0.2, batch norm after the first),
// then a 4x4 convolution over the remaining 4x4 map.
struct DiscoDiscriminatorImpl : torch::nn::Module {
  DiscoDiscriminatorImpl(int channels, int ndf, int resolution);
  torch::Tensor forward(const torch::Tensor& x);  // N logits
  // The logits and the activations after each batch-normalised layer (what the authors' code matches
  // features on).
  std::pair<torch::Tensor, std::vector<torch::Tensor>> forward_features(const torch::Tensor& x);
  torch::nn::Sequential net;
};
TORCH_MODULE(DiscoDiscriminator);

}  // namespace gan
