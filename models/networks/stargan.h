#pragma once
// StarGAN's networks (Choi et al. 2018; the authors' yunjey/stargan): one generator for every domain,
// told the target domain by label channels, and a discriminator with two heads, real/fake per patch
// and the domain of the image.
#include <torch/torch.h>

#include <vector>

namespace gan {

// The target labels (N x K) as K constant planes of R x R, joined to the images as channels.
torch::Tensor replicate_labels(const torch::Tensor& labels, int64_t height, int64_t width);

// The mask vector (Choi et al. 2018, section 3.2): the label vectors (N x K_g) of a dataset `group`
// placed in the joint label of every dataset, [c_1, ..., c_n, m]: zeros for the other datasets' labels,
// then m, the one-hot of `group` among the n datasets. `groups` holds each dataset's K; with one dataset
// (or none given) the labels come back as they are.
torch::Tensor with_mask(const torch::Tensor& labels, const std::vector<int>& groups, int group);

// x + [conv 3x3, IN, ReLU, conv 3x3, IN](x); convolutions without biases, instance norm with affine.
struct StarResidualBlockImpl : torch::nn::Module {
  explicit StarResidualBlockImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential body;
};
TORCH_MODULE(StarResidualBlock);

struct StarGeneratorOptions {
  int channels = 1;     // of the images
  int label_dim = 10;   // K: the label vector's length (with the mask vector, when there is one)
  int ngf = 64;         // channels after the first convolution (the paper: 64)
  int blocks = 6;       // residual blocks at the bottleneck (the paper: 6)
};

// (image, label) -> image: conv 7x7 over C + K channels (ngf), IN, ReLU; two stride-2 4x4 convolutions
// doubling the channels; `blocks` residual blocks; two stride-2 4x4 transposed convolutions halving
// them; conv 7x7 to C, tanh. Instance norm with affine parameters and no running statistics (an
// image's own statistics in training and in use, as the authors' code uses it).
struct StarGeneratorImpl : torch::nn::Module {
  explicit StarGeneratorImpl(const StarGeneratorOptions& o);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& labels);
  StarGeneratorOptions options;
  torch::nn::Sequential net;
};
TORCH_MODULE(StarGenerator);

// The stride-2 layers that take a side of `resolution` down to 2 (the paper: 6, for 128 px).
int stargan_depth(int resolution);

struct StarScores {
  torch::Tensor source;  // N x 1 x h x w: real (high) or fake (low), per patch; WGAN critic scores
  torch::Tensor domain;  // N x K: the domain logits
};

// Image -> (patch scores, domain logits): `stargan_depth` stride-2 4x4 convolutions with leaky ReLU
// (0.01), channels ndf, 2 ndf, ...; no normalisation (WGAN-GP). Then a 3x3 convolution to one score per
// position (the source head), and a convolution over the whole 2x2 map to K logits (the domain head).
struct StarDiscriminatorImpl : torch::nn::Module {
  StarDiscriminatorImpl(int channels, int ndf, int resolution, int domains);
  StarScores forward(const torch::Tensor& x);
  torch::nn::Sequential trunk;
  torch::nn::Conv2d source{nullptr}, domain{nullptr};
};
TORCH_MODULE(StarDiscriminator);

}  // namespace gan
