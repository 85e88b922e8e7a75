#pragma once
// The families that keep DCGAN's networks and change the adversarial game (and, for the critic, its
// normalisation): DCGAN itself, LSGAN, WGAN, WGAN-GP and SNGAN. Each is its own registry entry with
// its paper's defaults; one Family class plays all of them.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/dcgan.h"
#include "models/family.h"

namespace gan {

enum class AdversarialRecipe {
  NonSaturating,  // GAN loss with logits, G maximises log D(G(z)) (DCGAN)
  Minimax,        // the same D loss, G minimises log(1 - D(G(z))) (Goodfellow et al.'s value function)
  LeastSquares,   // LSGAN: D to (a, b), G to c
  Wasserstein,    // WGAN: critic scores, weights clipped to [-c, c], RMSProp
  GradientPenalty,  // WGAN-GP: critic scores + lambda * gradient penalty on interpolates
  Hinge,          // SNGAN: hinge loss, spectral norm on every D layer
};

// What the discriminator does with the classes.
enum class ClassUse {
  None,            // nothing: an unconditional GAN
  Input,           // cGAN: D sees the class with the image (and G is conditional)
  Auxiliary,       // ACGAN: D has an auxiliary head that names the class (and G is conditional)
  SemiSupervised,  // SGAN: D's K logits classify a labelled subset; log-sum-exp is the real/fake logit
};

// Builds the family for `recipe` from validated params (it reads the params its registry entry lists).
// Conditional uses (Input, Auxiliary, SemiSupervised) need a labelled dataset (std::invalid_argument).
std::unique_ptr<Family> make_adversarial_family(const FamilyInfo& info, const FamilySetup& setup,
                                                AdversarialRecipe recipe, ClassUse classes = ClassUse::None);

// Throws std::invalid_argument, naming the family, when `classes` needs labels and the data have none.
void require_classes(const FamilyInfo& info, const FamilySetup& setup, ClassUse classes);

// DCGAN's N(0, 0.02) initialisation of both networks from `gen`, then orthogonal weights when the
// params say init = orthogonal.
void init_networks(const ParamSet& params, torch::nn::Module& g, torch::nn::Module& d, torch::Generator& gen);

// Gulrajani et al.'s penalty E[(||grad_x critic(x_hat)||_2 - 1)^2] at x_hat = eps * real + (1 - eps) * fake,
// eps ~ U(0, 1) per sample (given: N x 1 x 1 x 1). The graph is kept, so it can be back-propagated.
torch::Tensor gradient_penalty(const std::function<torch::Tensor(const torch::Tensor&)>& critic,
                               const torch::Tensor& real, const torch::Tensor& fake, const torch::Tensor& eps);

// The hyper-parameters these families share, with each family's defaults.
std::vector<HyperParam> adam_params(const std::string& lr_g, const std::string& lr_d, const std::string& beta1,
                                    const std::string& beta2, const std::string& beta1_help);
HyperParam d_steps_param(const std::string& default_steps);
std::vector<HyperParam> conv_network_params();  // latent size, resolution, G and D widths

// Techniques any of these families can switch on (Salimans et al. 2016 and after), as registry
// hyper-parameters, all off by default: an EMA of G's weights used for sampling, annealed instance
// noise on D's inputs, feature matching, historical averaging and orthogonal init; where they make
// sense, one-sided label smoothing (log-loss families), minibatch discrimination (not for critics,
// whose Lipschitz constraint is per sample) and virtual batch norm (generators with batch norm).
struct TechniqueSet {
  bool log_loss = false;
  bool minibatch = true;
  bool virtual_bn = true;
  bool feature_matching_default = false;
};
std::vector<HyperParam> technique_params(const TechniqueSet& t);

// sigma0 * max(0, 1 - step / anneal_steps): the instance noise's standard deviation at `step`.
double instance_noise_sigma(double sigma0, long long step, long long anneal_steps);

// The discriminator's log loss with logits: real images to `real_target` (1 - smoothing; only the real
// side is smoothed, as Salimans et al. advise), generated ones to 0.
torch::Tensor log_loss_d(const torch::Tensor& s_real, const torch::Tensor& s_fake, double real_target);

// A registry entry on these networks with `recipe` and `classes`; finish_conv_family() appends the
// technique, network and shared hyper-parameters after the family's own.
FamilyInfo conv_family_base(const char* id, const char* name, const char* summary, const char* paper,
                            AdversarialRecipe recipe, std::vector<std::string> series,
                            ClassUse classes = ClassUse::None);
void finish_conv_family(FamilyInfo& f, TechniqueSet t);

FamilyInfo lsgan_family_info();
FamilyInfo wgan_family_info();
FamilyInfo wgan_gp_family_info();
FamilyInfo sngan_family_info();
FamilyInfo sagan_family_info();
FamilyInfo cgan_conv_family_info();
FamilyInfo acgan_family_info();
FamilyInfo sgan_family_info();

}  // namespace gan
