// ACGAN (Odena et al., 2017): a conditional G; D with an auxiliary head that names the class.
#include "models/families/image_gan.h"

namespace gan {

namespace {
namespace F = torch::nn::functional;

std::vector<SeriesSpec> acgan_series() {
  auto s = log_loss_series();
  s.push_back({"acc_aux", "Test accuracy: auxiliary classifier", SeriesAxis::Accuracy, SeriesKind::Measured,
               "The auxiliary head's accuracy on held-out labelled images"});
  return s;
}

class Acgan : public ImageGan {
 public:
  Acgan(const FamilyInfo& info, const FamilySetup& s)
      : ImageGan(info, s, conv_nets(s, [&](DcganOptions& g, CriticOptions& d) {
                   g.num_classes = s.num_classes;  // G takes the class with z
                   d.aux_classes = s.num_classes;  // D names the class of what it sees
                 }),
                 log_loss(/*minimax=*/false, real_target(s.params)), adam_or_sgd(s.params)) {}

  std::vector<torch::Tensor> classify(const torch::Tensor& images) override {
    torch::NoGradGuard no_grad;
    auto& d = discriminator();
    const bool was_training = d.is_training();
    d.eval();
    auto logits = d.judge(images.to(device()), {}).class_logits.to(torch::kCPU);
    d.train(was_training);
    return {logits};
  }

 protected:
  // D also names the class of real and generated images; G wants its images named as the class it drew.
  torch::Tensor add_d_terms(torch::Tensor loss_d, DStep& s) override {
    return loss_d + F::cross_entropy(s.real_out.class_logits, s.real.labels) +
           F::cross_entropy(s.fake_out.class_logits, s.y_fake);
  }
  torch::Tensor add_g_terms(torch::Tensor loss_g, const CriticOutput& gen, const torch::Tensor& y_fake) override {
    return loss_g + F::cross_entropy(gen.class_logits, y_fake);
  }
};

}  // namespace

FamilyInfo acgan_family_info() {
  FamilyInfo f = image_family_info(
      "acgan", "ACGAN",
      "Auxiliary-classifier GAN: G takes a class with z; D sees only the image, and besides its real/fake output "
      "has an auxiliary head that names the class. D maximises the log-likelihood of the right source and the right "
      "class, on real and generated images; G maximises the class log-likelihood of its images and fools the "
      "source output. The auxiliary classifier's test accuracy is plotted live. Adam (2e-4, beta1 0.5).",
      "A. Odena, C. Olah, J. Shlens. Conditional Image Synthesis with Auxiliary Classifier GANs. ICML 2017. "
      "arXiv:1610.09585",
      acgan_series(), /*conditional=*/true, /*uses_classes=*/true);
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers (the paper uses 0.5)");
  f.params.push_back(d_steps_param("1"));
  finish_conv_params(f, {/*log_loss=*/true});
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    require_classes(info, s);
    return std::make_unique<Acgan>(info, s);
  };
  return f;
}

}  // namespace gan
