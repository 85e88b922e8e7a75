// LSGAN (Mao et al., 2017): least-squares losses on DCGAN's networks.
#include "models/families/image_gan.h"

namespace gan {

FamilyInfo lsgan_family_info() {
  FamilyInfo f = image_family_info(
      "lsgan", "LSGAN",
      "Least-squares GAN: DCGAN's networks, but D regresses real images to b and fakes to a, and G pushes "
      "D's output on fakes to c, with squared errors instead of the log loss. The paper's a = 0, b = 1, c = 1 "
      "penalises fakes that are on the right side of the boundary but far from the data, which gives G "
      "gradients where the sigmoid loss saturates. Curves: D's mean raw output on real and fake images.",
      "X. Mao, Q. Li, H. Xie, R. Y. K. Lau, Z. Wang, S. P. Smolley. Least Squares Generative Adversarial "
      "Networks. ICCV 2017. arXiv:1611.04076",
      score_series(), /*conditional=*/false, /*uses_classes=*/false);
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers (the paper uses 0.5)");
  f.params.push_back(d_steps_param("1"));
  f.params.push_back({"ls_a", "Fake target a", "D's target for generated images", ParamType::Float, -10, 10, "0", {}, false});
  f.params.push_back({"ls_b", "Real target b", "D's target for real images", ParamType::Float, -10, 10, "1", {}, false});
  f.params.push_back({"ls_c", "G target c", "The value G wants D to give its images", ParamType::Float, -10, 10, "1", {}, false});
  finish_conv_params(f, {});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<ImageGan>(
        info, s, conv_nets(s),
        least_squares_loss(s.params.number("ls_a"), s.params.number("ls_b"), s.params.number("ls_c")),
        adam_or_sgd(s.params));
  };
  return f;
}

}  // namespace gan
