// GAN (Goodfellow et al., 2014): multilayer perceptrons for G and D, D with maxout units and dropout,
// k D steps per G step, the minimax G loss (the non-saturating one as an option).
#include "models/families/image_gan.h"

namespace gan {

FamilyInfo gan_family_info() {
  FamilyInfo f = image_family_info("gan", "GAN", "", "", log_loss_series(), /*conditional=*/false,
                                   /*uses_classes=*/false);
  f.summary =
      "The original generative adversarial net: a multilayer-perceptron generator (two ReLU layers of 1200) "
      "against a discriminator of maxout units (two layers of 240 units, 5 pieces each) with dropout. D "
      "takes k steps per G step. G minimises log(1 - D(G(z))), the minimax value function; the paper notes "
      "that this saturates early and suggests maximising log D(G(z)) instead, offered here as an option. "
      "Defaults to Adam (lr 2e-4, beta1 0.5): the paper's SGD (lr 0.1, momentum 0.5, without its "
      "momentum ramp and learning-rate decay) diverged here within 50 steps on Fashion-MNIST; it stays "
      "available as an option.";
  f.paper =
      "I. Goodfellow, J. Pouget-Abadie, M. Mirza, B. Xu, D. Warde-Farley, S. Ozair, A. Courville, Y. Bengio. "
      "Generative Adversarial Nets. NeurIPS 2014. arXiv:1406.2661";
  f.params = mlp_params();
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<ImageGan>(info, s, mlp_nets(s, /*conditional=*/false),
                                      log_loss(s.params.text("g_loss") == "minimax", real_target(s.params)),
                                      adam_or_sgd(s.params));
  };
  return f;
}

}  // namespace gan
