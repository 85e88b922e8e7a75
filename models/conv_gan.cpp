#include "models/conv_gan.h"

#include <algorithm>
#include <stdexcept>

#include "models/adversarial.h"
#include "models/blocks.h"

namespace gan {
namespace F = torch::nn::functional;

torch::Tensor gradient_penalty(const std::function<torch::Tensor(const torch::Tensor&)>& critic,
                               const torch::Tensor& real, const torch::Tensor& fake, const torch::Tensor& eps) {
  auto x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(true);
  auto scores = critic(x_hat);
  auto grad = torch::autograd::grad({scores.sum()}, {x_hat}, /*grad_outputs=*/{}, /*retain_graph=*/true,
                                    /*create_graph=*/true)[0];
  return (grad.flatten(1).norm(2, 1) - 1).pow(2).mean();
}

FamilyInfo conv_family_base(const char* id, const char* name, const char* summary, const char* paper,
                            AdversarialRecipe recipe, std::vector<std::string> series, ClassUse classes) {
  FamilyInfo f;
  f.id = id;
  f.name = name;
  f.summary = summary;
  f.paper = paper;
  f.caps.latent_dim = 100;
  f.caps.truncation = TruncationKind::ResampleNormal;
  f.caps.series = std::move(series);
  f.caps.conditional = classes == ClassUse::Input || classes == ClassUse::Auxiliary;
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  f.create = [recipe, classes](const FamilyInfo& info, const FamilySetup& s) {
    return make_adversarial_family(info, s, recipe, classes);
  };
  return f;
}

void finish_conv_family(FamilyInfo& f, TechniqueSet t) {
  for (auto& p : technique_params(t)) f.params.push_back(p);
  for (auto& p : conv_network_params()) f.params.push_back(p);
  for (auto& p : shared_params(64)) f.params.push_back(p);
}

std::vector<HyperParam> technique_params(const TechniqueSet& t) {
  std::vector<HyperParam> p = {
      {"ema", "EMA of G", "Decay of a moving average of G's weights, used for samples and metrics; 0 = off (e.g. 0.999)",
       ParamType::Float, 0.0, 0.99999, "0", {}, false},
      {"instance_noise", "Instance noise", "Std of Gaussian noise on D's real and fake inputs at step 0; 0 = off",
       ParamType::Float, 0.0, 2.0, "0", {}, false},
      {"noise_anneal", "Noise anneal steps", "Steps over which the instance noise falls linearly to 0",
       ParamType::Int, 1, 1e8, "10000", {}, false},
      {"g_objective", "G objective",
       "adversarial: the family's G loss; feature-matching: G matches the mean of D's last hidden layer on real data "
       "(Salimans et al.)",
       ParamType::Choice, 0, 0, t.feature_matching_default ? "feature-matching" : "adversarial",
       {"adversarial", "feature-matching"}, false},
      {"hist_avg", "Historical averaging", "Weight of ||theta - mean of past theta||^2 in both players' losses; 0 = off",
       ParamType::Float, 0.0, 100.0, "0", {}, false},
      {"init", "Weight init", "normal: N(0, 0.02) as DCGAN; orthogonal: random orthogonal weights (Saxe et al.)",
       ParamType::Choice, 0, 0, "normal", {"normal", "orthogonal"}, false},
  };
  if (t.log_loss)
    p.push_back({"label_smoothing", "Label smoothing", "One-sided: D's target for real images is 1 minus this; fakes stay 0",
                 ParamType::Float, 0.0, 0.5, "0", {}, false});
  if (t.minibatch)
    p.push_back({"mbd_kernels", "Minibatch discrimination",
                 "Kernels of minibatch discrimination before D's output (each of dimension 5); 0 = off", ParamType::Int,
                 0, 1000, "0", {}, false});
  if (t.virtual_bn) {
    p.push_back({"g_norm", "G normalisation",
                 "batch: batch norm; virtual: each sample normalised by a fixed reference batch with itself (Salimans "
                 "et al.)",
                 ParamType::Choice, 0, 0, "batch", {"batch", "virtual"}, false});
    p.push_back({"vbn_reference", "VBN reference size", "Latents in virtual batch norm's fixed reference batch",
                 ParamType::Int, 2, 1024, "64", {}, false});
  }
  return p;
}

double instance_noise_sigma(double sigma0, long long step, long long anneal_steps) {
  if (anneal_steps <= 0) return 0;
  return sigma0 * std::max(0.0, 1.0 - static_cast<double>(step) / static_cast<double>(anneal_steps));
}

torch::Tensor log_loss_d(const torch::Tensor& s_real, const torch::Tensor& s_fake, double real_target) {
  return F::binary_cross_entropy_with_logits(s_real, torch::full_like(s_real, real_target)) +
         F::binary_cross_entropy_with_logits(s_fake, torch::zeros_like(s_fake));
}

void require_classes(const FamilyInfo& info, const FamilySetup& s, ClassUse classes) {
  if (classes != ClassUse::None && s.num_classes < 2)
    throw std::invalid_argument(info.name + " needs a labelled dataset: Fashion-MNIST, or an image folder with one "
                                "subfolder per class");
}

std::unique_ptr<Family> make_adversarial_family(const FamilyInfo& info, const FamilySetup& s,
                                                AdversarialRecipe recipe, ClassUse classes) {
  require_classes(info, s, classes);
  DcganOptions o;
  o.latent_dim = s.params.integer("latent_dim");
  o.resolution = static_cast<int>(s.params.integer("resolution"));
  o.channels = s.image_channels;
  o.ngf = static_cast<int>(s.params.integer("ngf"));
  o.ndf = static_cast<int>(s.params.integer("ndf"));
  if (o.channels < 1 || o.channels > 4) throw std::invalid_argument("these networks need 1 to 4 image channels");
  if (classes == ClassUse::Input || classes == ClassUse::Auxiliary) o.num_classes = s.num_classes;
  if (s.params.has("g_norm") && s.params.text("g_norm") == "virtual") {
    o.norm = GeneratorNorm::Virtual;
    o.vbn_reference = s.params.integer("vbn_reference");
  }
  if (s.params.has("g_spectral")) o.spectral = s.params.text("g_spectral") == "on";
  if (s.params.has("attention_res")) {
    o.attention_res = static_cast<int>(s.params.integer("attention_res"));
    if (o.attention_res > o.resolution / 2)
      throw std::invalid_argument("the attention resolution (" + std::to_string(o.attention_res) +
                                  ") must be at most half the image resolution (" + std::to_string(o.resolution) + ")");
  }
  CriticOptions c(o);
  c.attention_res = o.attention_res;
  if (recipe == AdversarialRecipe::Hinge) {  // SNGAN, SAGAN: spectral norm replaces batch norm
    c.spectral = true;
    c.norm = CriticNorm::None;
  }
  if (recipe == AdversarialRecipe::GradientPenalty)  // batch norm would make the penalty per-batch
    c.norm = s.params.text("critic_norm") == "none" ? CriticNorm::None : CriticNorm::Layer;
  if (classes == ClassUse::Input) c.label_channels = s.num_classes;
  if (classes == ClassUse::Auxiliary) c.aux_classes = s.num_classes;
  if (classes == ClassUse::SemiSupervised) {
    c.class_logits = s.num_classes;
    // D is also the classifier that is measured, in eval mode: batch norm's running statistics would mix
    // generated, unlabelled and labelled batches. Layer norm is per image (Salimans et al.: weight norm).
    c.norm = CriticNorm::Layer;
  }
  if (s.params.has("mbd_kernels")) c.mbd_kernels = s.params.integer("mbd_kernels");
  DcganGenerator g(o);
  ConvCritic d(c);
  torch::Generator init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
  init_networks(s.params, *g, *d, init);
  if (o.norm == GeneratorNorm::Virtual) {  // Salimans et al.'s fixed reference batch, from the run's seed
    torch::NoGradGuard no_grad;
    g->reference_z.copy_(torch::randn(g->reference_z.sizes(), init, torch::kFloat));
  }
  return std::make_unique<adversarial_detail::AdversarialFamily<DcganGenerator, ConvCritic>>(info, s, recipe, classes,
                                                                                            g, d);
}

void init_networks(const ParamSet& params, torch::nn::Module& g, torch::nn::Module& d, torch::Generator& gen) {
  dcgan_init(g, gen);
  dcgan_init(d, gen);
  if (params.has("init") && params.text("init") == "orthogonal") {
    orthogonal_init(g, gen);
    orthogonal_init(d, gen);
  }
}

std::vector<HyperParam> adam_params(const std::string& lr_g, const std::string& lr_d, const std::string& beta1,
                                    const std::string& beta2, const std::string& beta1_help) {
  return {
      {"lr_g", "G learning rate", "Adam step size of the generator", ParamType::Float, 1e-6, 1.0, lr_g, {}, true},
      {"lr_d", "D learning rate", "Adam step size of the discriminator", ParamType::Float, 1e-6, 1.0, lr_d, {}, true},
      {"beta1", "Adam beta1", beta1_help, ParamType::Float, 0.0, 0.999, beta1, {}, false},
      {"beta2", "Adam beta2", "Second-moment decay of both Adam optimizers", ParamType::Float, 0.0, 0.9999, beta2, {},
       false},
  };
}

HyperParam d_steps_param(const std::string& default_steps) {
  return {"d_steps", "D steps per G step", "Discriminator (critic) updates before each generator update",
          ParamType::Int, 1, 20, default_steps, {}, false};
}

std::vector<HyperParam> conv_network_params() {
  return {
      {"latent_dim", "Latent size", "Dimension of z ~ N(0, I)", ParamType::Int, 2, 1024, "100", {}, false},
      {"resolution", "Resolution", "Side of generated images; data are resized to it", ParamType::Choice, 0, 0, "32",
       {"16", "32", "64", "128"}, false},
      {"ngf", "G width", "Generator channels at the last hidden layer", ParamType::Int, 4, 512, "64", {}, false},
      {"ndf", "D width", "Discriminator channels at the first layer", ParamType::Int, 4, 512, "64", {}, false},
  };
}

FamilyInfo lsgan_family_info() {
  FamilyInfo f = conv_family_base(
      "lsgan", "LSGAN",
      "Least-squares GAN: DCGAN's networks, but D regresses real images to b and fakes to a, and G pushes "
      "D's output on fakes to c, with squared errors instead of the log loss. The paper's a = 0, b = 1, c = 1 "
      "penalises fakes that are on the right side of the boundary but far from the data, which gives G "
      "gradients where the sigmoid loss saturates. Curves: D's mean raw output on real and fake images.",
      "X. Mao, Q. Li, H. Xie, R. Y. K. Lau, Z. Wang, S. P. Smolley. Least Squares Generative Adversarial "
      "Networks. ICCV 2017. arXiv:1611.04076",
      AdversarialRecipe::LeastSquares, {"loss_d", "loss_g", "d_real", "d_fake"});
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers (the paper uses 0.5)");
  f.params.push_back(d_steps_param("1"));
  f.params.push_back({"ls_a", "Fake target a", "D's target for generated images", ParamType::Float, -10, 10, "0", {}, false});
  f.params.push_back({"ls_b", "Real target b", "D's target for real images", ParamType::Float, -10, 10, "1", {}, false});
  f.params.push_back({"ls_c", "G target c", "The value G wants D to give its images", ParamType::Float, -10, 10, "1", {}, false});
  finish_conv_family(f, {});
  return f;
}

FamilyInfo wgan_family_info() {
  FamilyInfo f = conv_family_base(
      "wgan", "WGAN",
      "Wasserstein GAN: D becomes a critic with an unbounded score (no sigmoid), trained to maximise "
      "E[D(x)] - E[D(G(z))], an estimate of the Earth-Mover distance when D is 1-Lipschitz, which the paper "
      "enforces by clipping every critic weight to [-c, c] after each update (c = 0.01). Five critic steps per "
      "generator step, RMSProp at 5e-5. The Wasserstein curve is the critic's estimate; it should fall as "
      "samples improve.",
      "M. Arjovsky, S. Chintala, L. Bottou. Wasserstein GAN. ICML 2017. arXiv:1701.07875",
      AdversarialRecipe::Wasserstein, {"loss_d", "loss_g", "wasserstein"});
  f.params = {
      {"lr_g", "G learning rate", "RMSProp step size of the generator", ParamType::Float, 1e-7, 1.0, "5e-5", {}, true},
      {"lr_d", "D learning rate", "RMSProp step size of the critic", ParamType::Float, 1e-7, 1.0, "5e-5", {}, true},
      {"clip", "Weight clip c", "Critic weights are clipped to [-c, c] after every update", ParamType::Float, 1e-5, 1.0,
       "0.01", {}, true},
  };
  f.params.push_back(d_steps_param("5"));
  finish_conv_family(f, {/*log_loss=*/false, /*minibatch=*/false});
  return f;
}

FamilyInfo wgan_gp_family_info() {
  FamilyInfo f = conv_family_base(
      "wgan-gp", "WGAN-GP",
      "WGAN with a gradient penalty instead of weight clipping: the critic pays lambda * (||grad D(x_hat)|| - 1)^2 "
      "at random interpolates x_hat between real and generated images (lambda = 10), which keeps it close "
      "to 1-Lipschitz without clipping's capacity loss. No batch norm in the critic (layer norm, or none). "
      "Adam(1e-4, beta = (0, 0.9)), five critic steps per generator step. Curves: the Wasserstein "
      "estimate and the penalty term.",
      "I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville. Improved Training of Wasserstein GANs. "
      "NeurIPS 2017. arXiv:1704.00028",
      AdversarialRecipe::GradientPenalty, {"loss_d", "loss_g", "wasserstein", "gp"});
  f.params = adam_params("1e-4", "1e-4", "0", "0.9", "Momentum of both Adam optimizers (the paper uses 0)");
  f.params.push_back(d_steps_param("5"));
  f.params.push_back({"lambda_gp", "GP weight lambda", "Weight of the gradient penalty", ParamType::Float, 0, 1000,
                      "10", {}, false});
  f.params.push_back({"critic_norm", "Critic normalisation", "Layer norm (the paper's drop-in) or none; never batch norm",
                      ParamType::Choice, 0, 0, "layer", {"layer", "none"}, false});
  finish_conv_family(f, {/*log_loss=*/false, /*minibatch=*/false});
  return f;
}

FamilyInfo sngan_family_info() {
  FamilyInfo f = conv_family_base(
      "sngan", "SNGAN",
      "Spectrally normalised GAN: every discriminator layer divides its weight by its largest singular value, "
      "estimated by one power iteration per step from a persistent vector, which makes each layer 1-Lipschitz "
      "at the cost of one matrix-vector product. No batch norm in D. Trained with the hinge loss, Adam(2e-4, "
      "beta = (0.5, 0.999)), one D step per G step. Curves: D's mean raw score on real and fake images.",
      "T. Miyato, T. Kataoka, M. Koyama, Y. Yoshida. Spectral Normalization for Generative Adversarial "
      "Networks. ICLR 2018. arXiv:1802.05957",
      AdversarialRecipe::Hinge, {"loss_d", "loss_g", "d_real", "d_fake"});
  f.params = adam_params("2e-4", "2e-4", "0.5", "0.999", "Momentum of both Adam optimizers");
  f.params.push_back(d_steps_param("1"));
  finish_conv_family(f, {});
  return f;
}

FamilyInfo sagan_family_info() {
  FamilyInfo f = conv_family_base(
      "sagan", "SAGAN",
      "Self-attention GAN: a self-attention block in both networks lets each position of a feature map draw on "
      "every other, so distant parts of an image can agree. The block's output is gamma * attention + input with "
      "gamma starting at 0: the networks start convolutional and learn how much to attend. Spectral norm on every "
      "layer of both networks, the hinge loss, and two time-scale learning rates (D 4e-4, G 1e-4, Adam beta = "
      "(0, 0.9)). Here on DCGAN-shaped networks; the block sits on the feature map of the chosen side in G and D.",
      "H. Zhang, I. Goodfellow, D. Metaxas, A. Odena. Self-Attention Generative Adversarial Networks. ICML 2019. "
      "arXiv:1805.08318",
      AdversarialRecipe::Hinge, {"loss_d", "loss_g", "d_real", "d_fake"});
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
  finish_conv_family(f, {});
  return f;
}

}  // namespace gan
