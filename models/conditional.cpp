// The families that use the dataset's classes, on DCGAN-shaped networks: cGAN (conv variant), ACGAN
// and the semi-supervised SGAN. The MLP cGAN of the paper is in models/gan_mlp.cpp.
#include "models/conv_gan.h"

namespace gan {

FamilyInfo cgan_conv_family_info() {
  FamilyInfo f = conv_family_base(
      "cgan-conv", "cGAN (conv)",
      "Conditional GAN on DCGAN's networks: the class is joined to z as a one-hot code, and to D's input as one "
      "constant image plane per class, so D judges whether an image is a real example of that class. Pick a "
      "class in the explorer, or show the grid one row per class. Non-saturating loss, Adam (2e-4, beta1 0.5). "
      "Needs labelled data: Fashion-MNIST, or an image folder with one subfolder per class.",
      "M. Mirza, S. Osindero. Conditional Generative Adversarial Nets. arXiv:1411.1784, 2014 (the joining of "
      "labels to both networks, here on the DCGAN architecture of Radford et al. 2016)",
      AdversarialRecipe::NonSaturating, {"loss_d", "loss_g", "d_real", "d_fake"}, ClassUse::Input);
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers");
  f.params.push_back(d_steps_param("1"));
  finish_conv_family(f, {/*log_loss=*/true});
  return f;
}

FamilyInfo acgan_family_info() {
  FamilyInfo f = conv_family_base(
      "acgan", "ACGAN",
      "Auxiliary-classifier GAN: G takes a class with z; D sees only the image, and besides its real/fake output "
      "has an auxiliary head that names the class. D maximises the log-likelihood of the right source and the right "
      "class, on real and generated images; G maximises the class log-likelihood of its images and fools the "
      "source output. The auxiliary classifier's test accuracy is plotted live. Adam (2e-4, beta1 0.5).",
      "A. Odena, C. Olah, J. Shlens. Conditional Image Synthesis with Auxiliary Classifier GANs. ICML 2017. "
      "arXiv:1610.09585",
      AdversarialRecipe::NonSaturating, {"loss_d", "loss_g", "d_real", "d_fake"}, ClassUse::Auxiliary);
  f.caps.classifiers = {"acc_aux"};
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers (the paper uses 0.5)");
  f.params.push_back(d_steps_param("1"));
  finish_conv_family(f, {/*log_loss=*/true});
  return f;
}

FamilyInfo sgan_family_info() {
  FamilyInfo f = conv_family_base(
      "sgan", "SGAN (semi-supervised)",
      "Semi-supervised GAN: D is a K-class classifier whose logits also say real or fake, D(x) = Z / (Z + 1) with "
      "Z = sum_k exp(l_k) (Salimans et al.'s form of Odena's K+1 classes). D learns the classes of a small labelled "
      "subset (100, 1000 or all images, balanced over the classes) and real against generated on everything else; "
      "G trains by feature matching, which the paper found best for classification. A supervised-only baseline, "
      "the same network on the same labelled batches, trains beside it; both test accuracies are plotted live. "
      "D uses layer norm instead of batch norm, so that the classifier measured in eval mode does not "
      "carry statistics of generated images (Salimans et al. used weight norm). The claim to check: with few "
      "labels, the GAN's unlabelled data make the better classifier.",
      "A. Odena. Semi-Supervised Learning with Generative Adversarial Networks. arXiv:1606.01583, 2016; "
      "T. Salimans, I. Goodfellow, W. Zaremba, V. Cheung, A. Radford, X. Chen. Improved Techniques for Training "
      "GANs. NeurIPS 2016. arXiv:1606.03498",
      AdversarialRecipe::NonSaturating, {"loss_d", "loss_g", "d_real", "d_fake", "loss_sup"},
      ClassUse::SemiSupervised);
  f.caps.classifiers = {"acc_sgan", "acc_supervised"};
  f.params = adam_params("3e-4", "3e-4", "0.5", "0.999", "Momentum of the Adam optimizers (Salimans et al.: 0.5)");
  f.params.push_back(d_steps_param("1"));
  f.params.push_back({"labels", "Labelled images", "Size of the labelled subset, balanced over the classes",
                      ParamType::Choice, 0, 0, "100", {"100", "1000", "all"}, false});
  f.params.push_back({"baseline", "Supervised baseline",
                      "Train the same classifier on the labelled subset alone, side by side", ParamType::Choice, 0, 0,
                      "on", {"on", "off"}, false});
  TechniqueSet t;
  t.log_loss = true;
  t.feature_matching_default = true;
  finish_conv_family(f, t);
  return f;
}

}  // namespace gan
