// cGAN (Mirza & Osindero, 2014): the paper's conditional perceptrons, the class joined to both networks.
#include "models/families/image_gan.h"

namespace gan {

FamilyInfo cgan_family_info() {
  FamilyInfo f = image_family_info("cgan", "cGAN (MLP)", "", "", log_loss_series(), /*conditional=*/true,
                                   /*uses_classes=*/true);
  f.summary =
      "Conditional GAN, the paper's MNIST networks: G maps z to 200 ReLU units and the one-hot class to 1000, "
      "joins them into a ReLU layer of 1200 and outputs the image; D maps the image to 240 maxout units (5 pieces) "
      "and the class to 50 (5 pieces), joins them into 240 maxout units of 4 pieces with dropout, and outputs "
      "real or fake for that class. Pick a class in the explorer, or show the grid one row per class. Here z is "
      "Gaussian (the paper's was uniform), with GAN's defaults otherwise (Adam, minimax G loss). Needs labelled "
      "data; cgan-conv is the convolutional variant.";
  f.paper = "M. Mirza, S. Osindero. Conditional Generative Adversarial Nets. arXiv:1411.1784, 2014";
  f.params = mlp_params();
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    require_classes(info, s);
    return std::make_unique<ImageGan>(info, s, mlp_nets(s, /*conditional=*/true),
                                      log_loss(s.params.text("g_loss") == "minimax", real_target(s.params)),
                                      adam_or_sgd(s.params));
  };
  return f;
}

}  // namespace gan
