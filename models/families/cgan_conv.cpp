// cGAN on DCGAN's networks: the class joins z, and D's input as constant planes.
#include "models/families/image_gan.h"

namespace gan {

FamilyInfo cgan_conv_family_info() {
  FamilyInfo f = image_family_info(
      "cgan-conv", "cGAN (conv)",
      "Conditional GAN on DCGAN's networks: the class is joined to z as a one-hot code, and to D's input as one "
      "constant image plane per class, so D judges whether an image is a real example of that class. Pick a "
      "class in the explorer, or show the grid one row per class. Non-saturating loss, Adam (2e-4, beta1 0.5). "
      "Needs labelled data: Fashion-MNIST, or an image folder with one subfolder per class.",
      "M. Mirza, S. Osindero. Conditional Generative Adversarial Nets. arXiv:1411.1784, 2014 (the joining of "
      "labels to both networks, here on the DCGAN architecture of Radford et al. 2016)",
      log_loss_series(), /*conditional=*/true, /*uses_classes=*/true);
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers");
  f.params.push_back(d_steps_param("1"));
  finish_conv_params(f, {/*log_loss=*/true});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    require_classes(info, s);
    auto nets = conv_nets(s, [&](DcganOptions& g, CriticOptions& d) {
      g.num_classes = s.num_classes;     // G takes the class with z
      d.label_channels = s.num_classes;  // D sees it with the image
    });
    return std::make_unique<ImageGan>(info, s, nets, log_loss(/*minimax=*/false, real_target(s.params)),
                                      adam_or_sgd(s.params));
  };
  return f;
}

}  // namespace gan
