// WGAN-GP (Gulrajani et al., 2017): the critic pays a gradient penalty on interpolates.
#include "models/core/parallel.h"
#include "models/families/image_gan.h"

namespace gan {

namespace {

std::vector<SeriesSpec> gp_series() {
  auto s = wasserstein_series();
  s.push_back({"gp", "GP term", SeriesAxis::Loss, SeriesKind::PerStep,
               "The gradient penalty E[(||grad D(x_hat)|| - 1)^2] before its weight lambda"});
  s.push_back({"grad_norm", "||grad D(x_hat)||", SeriesAxis::Output, SeriesKind::PerStep,
               "Mean norm of the critic's gradient at the interpolates x_hat, which the penalty pulls towards 1"});
  return s;
}

class WganGp : public ImageGan {
 public:
  WganGp(const FamilyInfo& info, const FamilySetup& s)
      : ImageGan(info, s, conv_nets(s, [&](DcganOptions&, CriticOptions& d) {
                   // Batch norm would make the penalty depend on the batch: layer norm or none.
                   d.norm = s.params.text("critic_norm") == "none" ? CriticNorm::None : CriticNorm::Layer;
                   d.bias = true;  // Gulrajani et al.'s critic has biases (without norm, D(0) = 0 otherwise)
                 }),
                 wasserstein_loss(), adam(s.params)),
        lambda_(s.params.number("lambda_gp")) {}

 protected:
  torch::Tensor d_loss(DStep& s) override {
    auto eps = batch_rand({s.n, 1, 1, 1}, s.noise).to(device());
    gp_ = gradient_penalty([&](const torch::Tensor& x) { return discriminator().judge(x, s.real.labels).score; },
                           s.real.images, s.fake.detach(), eps, &grad_norm_);
    return loss().d(s.real_out.score, s.fake_out.score) + lambda_ * gp_;
  }
  void report(Scalars& out) override {
    out.emplace_back("gp", gp_.item<double>());
    out.emplace_back("grad_norm", grad_norm_.item<double>());
  }

 private:
  double lambda_;
  torch::Tensor gp_, grad_norm_;
};

}  // namespace

FamilyInfo wgan_gp_family_info() {
  FamilyInfo f = image_family_info(
      "wgan-gp", "WGAN-GP",
      "WGAN with a gradient penalty instead of weight clipping: the critic pays lambda * (||grad D(x_hat)|| - 1)^2 "
      "at random interpolates x_hat between real and generated images (lambda = 10), which keeps it close "
      "to 1-Lipschitz without clipping's capacity loss. No batch norm in the critic (layer norm, or none). "
      "Adam(1e-4, beta = (0, 0.9)), five critic steps per generator step. Curves: the Wasserstein "
      "estimate, the penalty term and the gradient norm at the interpolates.",
      "I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville. Improved Training of Wasserstein GANs. "
      "NeurIPS 2017. arXiv:1704.00028",
      gp_series(), /*conditional=*/false, /*uses_classes=*/false);
  f.params = adam_params("1e-4", "1e-4", "0", "0.9", "Momentum of both Adam optimizers (the paper uses 0)");
  f.params.push_back(d_steps_param("5"));
  f.params.push_back({"lambda_gp", "GP weight lambda", "Weight of the gradient penalty", ParamType::Float, 0, 1000,
                      "10", {}, false, /*resumable=*/true});
  f.params.push_back({"critic_norm", "Critic normalisation", "Layer norm (the paper's drop-in) or none; never batch norm",
                      ParamType::Choice, 0, 0, "layer", {"layer", "none"}, false});
  finish_conv_params(f, {/*log_loss=*/false, /*minibatch=*/false});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<WganGp>(info, s);
  };
  return f;
}

}  // namespace gan
