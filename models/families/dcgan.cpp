// DCGAN (Radford, Metz & Chintala, 2016): DCGAN's networks, the non-saturating log loss, Adam.
#include "models/families/image_gan.h"

namespace gan {

FamilyInfo dcgan_family_info() {
  FamilyInfo f = image_family_info(
      "dcgan", "DCGAN",
      "Deep convolutional GAN. The generator projects z to a 4x4 map and doubles it with strided "
      "transposed convolutions, batch norm and ReLU, ending in tanh; the discriminator mirrors it with "
      "strided convolutions and leaky ReLU. No pooling and no fully connected hidden layers. Trained "
      "with the non-saturating loss and Adam (lr 2e-4, beta1 0.5), weights drawn from N(0, 0.02).",
      "A. Radford, L. Metz, S. Chintala. Unsupervised Representation Learning with Deep Convolutional "
      "Generative Adversarial Networks. ICLR 2016. arXiv:1511.06434",
      log_loss_series(), /*conditional=*/false, /*uses_classes=*/false);
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers (the paper lowers it to 0.5)");
  f.params.push_back(d_steps_param("1"));
  finish_conv_params(f, {/*log_loss=*/true});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<ImageGan>(info, s, conv_nets(s), log_loss(/*minimax=*/false, real_target(s.params)),
                                      adam_or_sgd(s.params));
  };
  return f;
}

}  // namespace gan
