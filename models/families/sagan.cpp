// SAGAN (Zhang et al., 2018): self-attention in G and D, spectral norm in both, hinge loss, TTUR.
#include "models/families/image_gan.h"

namespace gan {

FamilyInfo sagan_family_info() {
  FamilyInfo f = image_family_info(
      "sagan", "SAGAN",
      "Self-attention GAN: a self-attention block in both networks lets each position of a feature map draw on "
      "every other, so distant parts of an image can agree. The block's output is gamma * attention + input with "
      "gamma starting at 0: the networks start convolutional and learn how much to attend. Spectral norm on every "
      "layer of both networks, the hinge loss, and two time-scale learning rates (D 4e-4, G 1e-4, Adam beta = "
      "(0, 0.9)). Here on DCGAN-shaped networks; the block sits on the feature map of the chosen side in G and D.",
      "H. Zhang, I. Goodfellow, D. Metaxas, A. Odena. Self-Attention Generative Adversarial Networks. ICML 2019. "
      "arXiv:1805.08318",
      score_series(), /*conditional=*/false, /*uses_classes=*/false);
  f.params = adam_params("1e-4", "4e-4", "0", "0.9", "Momentum of both Adam optimizers (the paper uses 0)");
  f.params.push_back(d_steps_param("1"));
  f.params.push_back({"attention_res", "Attention at", "Side of the feature map the self-attention block works on, "
                      "in G and D (at most half the image side)", ParamType::Choice, 0, 0, "16", {"4", "8", "16", "32"},
                      false});
  f.params.push_back({"g_spectral", "Spectral norm in G", "SAGAN normalises the generator's layers too", ParamType::Choice,
                      0, 0, "on", {"on", "off"}, false});
  f.check = [](const ParamSet& p) {
    std::vector<std::string> errors;
    if (p.integer("attention_res") > p.integer("resolution") / 2)
      errors.push_back("the attention resolution (" + p.text("attention_res") +
                       ") must be at most half the image resolution (" + p.text("resolution") + ")");
    return errors;
  };
  finish_conv_params(f, {});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<ImageGan>(info, s, conv_nets(s, spectral_critic), hinge_loss(), adam_or_sgd(s.params));
  };
  return f;
}

}  // namespace gan
