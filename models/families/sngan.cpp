// SNGAN (Miyato et al., 2018): spectral norm on every D layer, the hinge loss.
#include "models/families/image_gan.h"

namespace gan {

FamilyInfo sngan_family_info() {
  FamilyInfo f = image_family_info(
      "sngan", "SNGAN",
      "Spectrally normalised GAN: every discriminator layer divides its weight by its largest singular value, "
      "estimated by one power iteration per step from a persistent vector, which makes each layer 1-Lipschitz "
      "at the cost of one matrix-vector product. No batch norm in D. Trained with the hinge loss, Adam(2e-4, "
      "beta = (0.5, 0.999)), one D step per G step. Curves: D's mean raw score on real and fake images.",
      "T. Miyato, T. Kataoka, M. Koyama, Y. Yoshida. Spectral Normalization for Generative Adversarial "
      "Networks. ICLR 2018. arXiv:1802.05957",
      score_series(), /*conditional=*/false, /*uses_classes=*/false);
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers");
  f.params.push_back(d_steps_param("1"));
  finish_conv_params(f, {});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<ImageGan>(info, s, conv_nets(s, spectral_critic), hinge_loss(), adam_or_sgd(s.params));
  };
  return f;
}

}  // namespace gan
