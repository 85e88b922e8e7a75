#pragma once
// The adversarial losses as plain functions of the discriminator's outputs, and as named bundles a
// family (or, later, E-GAN's population) can pick. s_real, s_fake and s_gen are D's logits or critic
// scores (N) on real images, on generated images in D's step, and on generated images in G's step.
#include <torch/torch.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace gan {

// The discriminator's log loss with logits: real images to `real_target` (1 - one-sided label smoothing;
// Salimans et al. smooth only the real side), generated ones to 0.
torch::Tensor log_loss_d(const torch::Tensor& s_real, const torch::Tensor& s_fake, double real_target = 1.0);
// G maximises log D(G(z)) (the non-saturating loss of Goodfellow et al. and DCGAN).
torch::Tensor non_saturating_g(const torch::Tensor& s_gen);
// G minimises log(1 - D(G(z))) = -softplus(logit): the minimax value function.
torch::Tensor minimax_g(const torch::Tensor& s_gen);
// LSGAN (Mao et al. 2017): D regresses real images to b and fakes to a; G pushes fakes to c.
torch::Tensor least_squares_d(const torch::Tensor& s_real, const torch::Tensor& s_fake, double a, double b);
torch::Tensor least_squares_g(const torch::Tensor& s_gen, double c);
// WGAN (Arjovsky et al. 2017): the critic maximises E[D(x)] - E[D(G(z))]; G maximises E[D(G(z))].
torch::Tensor wasserstein_d(const torch::Tensor& s_real, const torch::Tensor& s_fake);
torch::Tensor wasserstein_g(const torch::Tensor& s_gen);
// Hinge loss (Lim & Ye; Miyato et al. 2018): E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]; G: -E[D(G(z))].
torch::Tensor hinge_d(const torch::Tensor& s_real, const torch::Tensor& s_fake);
torch::Tensor hinge_g(const torch::Tensor& s_gen);

// Gulrajani et al.'s penalty E[(||grad_x critic(x_hat)||_2 - 1)^2] at x_hat = eps * real + (1 - eps) * fake,
// eps ~ U(0, 1) per sample (given: N x 1 x 1 x 1). The graph is kept, so it can be back-propagated.
// `mean_norm`, when given, receives the batch mean of ||grad_x critic(x_hat)||_2 (detached): what the
// penalty pulls towards 1.
torch::Tensor gradient_penalty(const std::function<torch::Tensor(const torch::Tensor&)>& critic,
                               const torch::Tensor& real, const torch::Tensor& fake, const torch::Tensor& eps,
                               torch::Tensor* mean_norm = nullptr);

// Feature matching (Salimans et al. 2016): ||mean f(G(z)) - mean f(x)||^2 over D's last hidden layer.
torch::Tensor feature_matching(const torch::Tensor& gen_features, const torch::Tensor& real_features_mean);

// Cycle consistency (Zhu et al. 2017): |F(G(x)) - x|, the L1 mean.
torch::Tensor cycle_loss(const torch::Tensor& x, const torch::Tensor& reconstruction);
// DiscoGAN's reconstruction distance d(x, x') (Kim et al. 2017): "mse", the mean squared error (the
// authors' code), or "cosine", 1 - cos(x, x') of each image's values, averaged over the batch.
torch::Tensor reconstruction_loss(const torch::Tensor& x, const torch::Tensor& reconstruction, const std::string& kind);
// The identity loss: |G(y) - y| for images y already of G's target domain, the L1 mean.
torch::Tensor identity_loss(const std::function<torch::Tensor(const torch::Tensor&)>& g, const torch::Tensor& y);

// StarGAN's domain-classification loss (Choi et al. 2018): for classes (labels N int64), the
// cross-entropy; for binary attributes (labels N x K, 0 or 1), the binary cross-entropy of each attribute
// summed over the attributes and averaged over the batch, as the authors' code has it.
torch::Tensor domain_classification_loss(const torch::Tensor& logits, const torch::Tensor& labels);

// A named adversarial game: D's loss, G's loss, and what to report about D's outputs.
struct AdversarialLoss {
  std::string id;
  std::function<torch::Tensor(const torch::Tensor& s_real, const torch::Tensor& s_fake)> d;
  std::function<torch::Tensor(const torch::Tensor& s_gen)> g;
  // Scalars about D's outputs in its last step (d_real and d_fake, or the Wasserstein estimate).
  std::function<std::vector<std::pair<std::string, double>>(const torch::Tensor& s_real, const torch::Tensor& s_fake)>
      report;
};

// The log loss with G's non-saturating or minimax objective; reports D's mean probabilities.
AdversarialLoss log_loss(bool minimax, double real_target = 1.0);
// LSGAN with targets a, b, c; reports D's mean raw outputs.
AdversarialLoss least_squares_loss(double a, double b, double c);
// The Wasserstein critic's loss; reports the critic's estimate E[D(x)] - E[D(G(z))].
AdversarialLoss wasserstein_loss();
// The hinge loss; reports D's mean raw scores.
AdversarialLoss hinge_loss();

}  // namespace gan
