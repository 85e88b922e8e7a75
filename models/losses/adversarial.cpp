#include "models/losses/adversarial.h"

#include <stdexcept>

namespace gan {
namespace F = torch::nn::functional;

torch::Tensor log_loss_d(const torch::Tensor& s_real, const torch::Tensor& s_fake, double real_target) {
  return F::binary_cross_entropy_with_logits(s_real, torch::full_like(s_real, real_target)) +
         F::binary_cross_entropy_with_logits(s_fake, torch::zeros_like(s_fake));
}

torch::Tensor non_saturating_g(const torch::Tensor& s_gen) {
  return F::binary_cross_entropy_with_logits(s_gen, torch::ones_like(s_gen));
}

torch::Tensor minimax_g(const torch::Tensor& s_gen) { return -F::softplus(s_gen).mean(); }

torch::Tensor least_squares_d(const torch::Tensor& s_real, const torch::Tensor& s_fake, double a, double b) {
  return 0.5 * (s_real - b).pow(2).mean() + 0.5 * (s_fake - a).pow(2).mean();
}

torch::Tensor least_squares_g(const torch::Tensor& s_gen, double c) { return 0.5 * (s_gen - c).pow(2).mean(); }

torch::Tensor wasserstein_d(const torch::Tensor& s_real, const torch::Tensor& s_fake) {
  return s_fake.mean() - s_real.mean();
}

torch::Tensor wasserstein_g(const torch::Tensor& s_gen) { return -s_gen.mean(); }

torch::Tensor hinge_d(const torch::Tensor& s_real, const torch::Tensor& s_fake) {
  return torch::relu(1.0 - s_real).mean() + torch::relu(1.0 + s_fake).mean();
}

torch::Tensor hinge_g(const torch::Tensor& s_gen) { return -s_gen.mean(); }

torch::Tensor gradient_penalty(const std::function<torch::Tensor(const torch::Tensor&)>& critic,
                               const torch::Tensor& real, const torch::Tensor& fake, const torch::Tensor& eps,
                               torch::Tensor* mean_norm) {
  auto x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(true);
  auto scores = critic(x_hat);
  auto grad = torch::autograd::grad({scores.sum()}, {x_hat}, /*grad_outputs=*/{}, /*retain_graph=*/true,
                                    /*create_graph=*/true)[0];
  auto norms = grad.flatten(1).norm(2, 1);
  if (mean_norm) *mean_norm = norms.detach().mean();
  return (norms - 1).pow(2).mean();
}

torch::Tensor feature_matching(const torch::Tensor& gen_features, const torch::Tensor& real_features_mean) {
  return (gen_features.mean(0) - real_features_mean).pow(2).mean();
}

torch::Tensor cycle_loss(const torch::Tensor& x, const torch::Tensor& reconstruction) {
  return F::l1_loss(reconstruction, x);
}

torch::Tensor domain_classification_loss(const torch::Tensor& logits, const torch::Tensor& labels) {
  if (labels.dim() == 1) return F::cross_entropy(logits, labels);
  if (labels.sizes() != logits.sizes()) throw std::invalid_argument("the attribute labels must be N x K like the logits");
  return F::binary_cross_entropy_with_logits(
             logits, labels.to(logits.dtype()),
             F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kSum)) /
         static_cast<double>(logits.size(0));
}

torch::Tensor reconstruction_loss(const torch::Tensor& x, const torch::Tensor& reconstruction, const std::string& kind) {
  if (kind == "mse") return (x - reconstruction).pow(2).mean();
  if (kind == "cosine")
    return (1 - F::cosine_similarity(x.flatten(1), reconstruction.flatten(1), F::CosineSimilarityFuncOptions().dim(1)))
        .mean();
  throw std::invalid_argument("the reconstruction distance is mse or cosine, not '" + kind + "'");
}

torch::Tensor identity_loss(const std::function<torch::Tensor(const torch::Tensor&)>& g, const torch::Tensor& y) {
  return F::l1_loss(g(y), y);
}

namespace {
std::vector<std::pair<std::string, double>> report_means(const torch::Tensor& s_real, const torch::Tensor& s_fake) {
  return {{"d_real", s_real.mean().item<double>()}, {"d_fake", s_fake.mean().item<double>()}};
}
}  // namespace

AdversarialLoss log_loss(bool minimax, double real_target) {
  AdversarialLoss l;
  l.id = minimax ? "minimax" : "non-saturating";
  l.d = [real_target](const torch::Tensor& r, const torch::Tensor& f) { return log_loss_d(r, f, real_target); };
  l.g = minimax ? minimax_g : non_saturating_g;
  l.report = [](const torch::Tensor& r, const torch::Tensor& f) {
    return report_means(torch::sigmoid(r), torch::sigmoid(f));
  };
  return l;
}

AdversarialLoss least_squares_loss(double a, double b, double c) {
  AdversarialLoss l;
  l.id = "least-squares";
  l.d = [a, b](const torch::Tensor& r, const torch::Tensor& f) { return least_squares_d(r, f, a, b); };
  l.g = [c](const torch::Tensor& s) { return least_squares_g(s, c); };
  l.report = report_means;
  return l;
}

AdversarialLoss wasserstein_loss() {
  AdversarialLoss l;
  l.id = "wasserstein";
  l.d = wasserstein_d;
  l.g = wasserstein_g;
  // The critic's estimate of the Wasserstein-1 distance (up to its Lipschitz constant).
  l.report = [](const torch::Tensor& r, const torch::Tensor& f) {
    return std::vector<std::pair<std::string, double>>{{"wasserstein", (r.mean() - f.mean()).item<double>()}};
  };
  return l;
}

AdversarialLoss hinge_loss() {
  AdversarialLoss l;
  l.id = "hinge";
  l.d = hinge_d;
  l.g = hinge_g;
  l.report = report_means;
  return l;
}

}  // namespace gan
