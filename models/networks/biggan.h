#pragma once
// BigGAN's networks (Brock et al., 2019) scaled to small images, after the authors' BigGAN-PyTorch:
// residual up-blocks in G with class-conditional batch norm fed by a shared class embedding and a
// hierarchical latent (z split into chunks: the first makes the 4x4 input, each block gets its own chunk
// joined to the embedding); residual down-blocks in D with a projection head (Miyato & Koyama 2018);
// spectral norm in both, self-attention at one side in both.
#include <torch/torch.h>

#include <vector>

#include "models/layers/batch_norm.h"
#include "models/layers/blocks.h"
#include "models/layers/spectral_norm.h"
#include "models/networks/image_nets.h"

namespace gan {

struct BigGanOptions {
  long long latent_dim = 128;  // split into blocks + 1 chunks (the input's takes what does not divide)
  int resolution = 32;         // 16, 32 or 64
  int channels = 1;
  int num_classes = 0;         // 0: unconditional (the batch norms see only z's chunk)
  int ngf = 32, ndf = 32;      // the width unit ("ch" in the authors' code)
  int embed_dim = 128;         // the shared class embedding's size
  int attention_res = 16;      // 0: no self-attention
};

// The up-blocks of G (G at resolution R has log2(R) - 2 of them), the size of each block's latent chunk,
// and of the input's (the same, plus the remainder when latent_dim does not divide by blocks + 1).
int biggan_g_blocks(int resolution);
long long biggan_chunk(const BigGanOptions& o);
long long biggan_input_chunk(const BigGanOptions& o);
// Throws std::invalid_argument when the options cannot make networks (resolution, chunks, attention).
void check_biggan_options(const BigGanOptions& o);

// Batch norm without its own scale and shift: they come from the condition c (the class embedding joined
// to a latent chunk) through two linear maps, y = BN(x) * (1 + gain(c)) + bias(c).
struct ConditionalBatchNormImpl : torch::nn::Module {
  ConditionalBatchNormImpl(long long channels, long long cond_dim);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond);
  SyncBatchNorm2d bn{nullptr};
  SNLinear gain{nullptr}, bias{nullptr};
};
TORCH_MODULE(ConditionalBatchNorm);

// CBN, ReLU, 2x nearest upsampling, 3x3 conv, CBN, ReLU, 3x3 conv; the shortcut upsampled and 1x1 conv.
struct BigGanUpBlockImpl : torch::nn::Module {
  BigGanUpBlockImpl(long long in, long long out, long long cond_dim);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond);
  ConditionalBatchNorm bn1{nullptr}, bn2{nullptr};
  SNConv2d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
};
TORCH_MODULE(BigGanUpBlock);

struct BigGanGeneratorImpl : ImageGenerator {
  explicit BigGanGeneratorImpl(const BigGanOptions& o);
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override;
  // From a given class embedding per sample (N x embed_dim) instead of labels: the class interpolation
  // panel moves between two classes' embeddings with z held.
  torch::Tensor generate_embedded(const torch::Tensor& z, const torch::Tensor& embedding);
  // The shared embedding of labels (N x embed_dim); N x 0 for an unconditional G.
  torch::Tensor embed(const torch::Tensor& labels, long long n);
  // Standing statistics for untruncated z, as the family's samples have by default.
  void prepare_export(torch::Generator& gen) override;
  long long latent_dim() const override { return options.latent_dim; }
  int num_classes() const override { return options.num_classes; }
  int resolution() const override { return options.resolution; }
  int channels() const override { return options.channels; }

  BigGanOptions options;
  torch::nn::Embedding shared{nullptr};  // when conditional
  SNLinear linear{nullptr};              // the first chunk -> 4 x 4 x width
  torch::nn::ModuleList blocks;
  SelfAttention attention{nullptr};
  int attention_after = -1;              // the block whose output it takes
  SyncBatchNorm2d out_bn{nullptr};
  SNConv2d out_conv{nullptr};
  long long base_width = 0;
};
TORCH_MODULE(BigGanGenerator);

// D's residual block: (ReLU unless first) 3x3 conv, ReLU, 3x3 conv, then 2x2 average pooling when it
// downsamples; the shortcut a 1x1 conv (before the pooling, or after it in the first block), as the
// authors' DBlock.
struct BigGanDownBlockImpl : torch::nn::Module {
  BigGanDownBlockImpl(long long in, long long out, bool downsample, bool first);
  torch::Tensor forward(const torch::Tensor& x);
  SNConv2d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
  bool downsample, first;
};
TORCH_MODULE(BigGanDownBlock);

// Blocks, ReLU, the sum over positions h; score = w . h + b + embed(y) . h (the projection), the embedding
// spectrally normalised.
struct BigGanCriticImpl : ImageCritic {
  explicit BigGanCriticImpl(const BigGanOptions& o);
  CriticOutput judge(const torch::Tensor& x, const torch::Tensor& labels) override;
  BigGanOptions options;
  torch::nn::ModuleList blocks;
  SelfAttention attention{nullptr};
  int attention_after = -1;
  SNLinear out{nullptr};
  SNLinear embed{nullptr};  // K -> width, no bias: embed(y) is the one-hot code through it
};
TORCH_MODULE(BigGanCritic);

// BigGAN's standing statistics (the paper's appendix; the authors' accumulate_standing_stats): G's batch
// norms' running statistics recomputed as the average over `batches` batches of `batch` samples drawn as
// sampling will draw them (z truncated at `truncation`, 0: not; classes uniform), from gen. The rest of G
// stays in eval mode (no power iterations). Without it, a truncated z goes through statistics gathered
// from untruncated ones (and from G's weights, not its EMA's): the activations shrink and samples fade.
void standing_statistics(BigGanGeneratorImpl& g, double truncation, int batches, int batch, torch::Generator& gen);

// BigGAN's orthogonal regularisation of G: beta/2 * sum over weights W (ndim >= 2, reshaped to rows =
// output units) of ||W W^T * (1 - I)||_F^2; its gradient is beta * 2 (W W^T * (1 - I)) W, the authors'
// update. 0 for weights with orthonormal rows. `skip` leaves out parameters (the shared embedding).
torch::Tensor orthogonal_regularization(const std::vector<torch::Tensor>& weights, double beta);
// The weights the regularisation applies to: every parameter of G with 2 or more dimensions but the
// shared embedding.
std::vector<torch::Tensor> biggan_regularized_weights(BigGanGeneratorImpl& g);

}  // namespace gan
