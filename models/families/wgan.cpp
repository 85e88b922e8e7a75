// WGAN (Arjovsky et al., 2017): a critic whose weights are clipped after every update, RMSProp.
#include "models/families/image_gan.h"

namespace gan {

// The authors' code: 100 critic steps before each of the first 25 generator steps and every 500th, so
// that the critic is near its optimum when the Wasserstein estimate is read.
int wgan_critic_steps(bool reference_schedule, int d_steps, long long g_step) {
  if (reference_schedule && (g_step < 25 || g_step % 500 == 0)) return 100;
  return d_steps;
}

namespace {

class Wgan : public ImageGan {
 public:
  Wgan(const FamilyInfo& info, const FamilySetup& s)
      : ImageGan(info, s, conv_nets(s), wasserstein_loss(), rmsprop()),
        clip_(s.params.number("clip")),
        reference_schedule_(s.params.text("d_schedule") == "reference") {}

 protected:
  int d_steps_at(long long g_step) const override { return wgan_critic_steps(reference_schedule_, d_steps(), g_step); }
  // The Lipschitz constraint of the WGAN paper: every critic weight clipped to [-c, c] after each update.
  void after_d_update() override {
    torch::NoGradGuard no_grad;
    for (auto& p : discriminator().parameters()) p.clamp_(-clip_, clip_);
  }

 private:
  double clip_;
  bool reference_schedule_;
};

}  // namespace

FamilyInfo wgan_family_info() {
  FamilyInfo f = image_family_info(
      "wgan", "WGAN",
      "Wasserstein GAN: D becomes a critic with an unbounded score (no sigmoid), trained to maximise "
      "E[D(x)] - E[D(G(z))], an estimate of the Earth-Mover distance when D is 1-Lipschitz, which the paper "
      "enforces by clipping every critic weight to [-c, c] after each update (c = 0.01). Five critic steps per "
      "generator step, RMSProp at 5e-5. The Wasserstein curve is the critic's estimate; it should fall as "
      "samples improve.",
      "M. Arjovsky, S. Chintala, L. Bottou. Wasserstein GAN. ICML 2017. arXiv:1701.07875",
      wasserstein_series(), /*conditional=*/false, /*uses_classes=*/false);
  f.params = {
      {"lr_g", "G learning rate", "RMSProp step size of the generator", ParamType::Float, 1e-7, 1.0, "5e-5", {}, true, /*resumable=*/true},
      {"lr_d", "D learning rate", "RMSProp step size of the critic", ParamType::Float, 1e-7, 1.0, "5e-5", {}, true, /*resumable=*/true},
      {"clip", "Weight clip c", "Critic weights are clipped to [-c, c] after every update", ParamType::Float, 1e-5, 1.0,
       "0.01", {}, true, /*resumable=*/true},
  };
  f.params.push_back(d_steps_param("5"));
  f.params.push_back({"d_schedule", "Critic schedule",
                      "constant: d_steps critic steps before every generator step (the paper's Algorithm 1); "
                      "reference: 100 before each of the first 25 generator steps and every 500th, as the authors' "
                      "code does",
                      ParamType::Choice, 0, 0, "constant", {"constant", "reference"}, false, /*resumable=*/true});
  finish_conv_params(f, {/*log_loss=*/false, /*minibatch=*/false});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<Wgan>(info, s);
  };
  return f;
}

}  // namespace gan
