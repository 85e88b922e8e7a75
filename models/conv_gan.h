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

// Builds the family for `recipe` from validated params (it reads the params its registry entry lists).
std::unique_ptr<Family> make_adversarial_family(const FamilyInfo& info, const FamilySetup& setup,
                                                AdversarialRecipe recipe);

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
// hyper-parameters: an EMA of G's weights used for sampling, annealed instance noise on D's inputs and,
// for the log-loss families, one-sided label smoothing. Off by default.
std::vector<HyperParam> technique_params(bool log_loss);

// sigma0 * max(0, 1 - step / anneal_steps): the instance noise's standard deviation at `step`.
double instance_noise_sigma(double sigma0, long long step, long long anneal_steps);

// The discriminator's log loss with logits: real images to `real_target` (1 - smoothing; only the real
// side is smoothed, as Salimans et al. advise), generated ones to 0.
torch::Tensor log_loss_d(const torch::Tensor& s_real, const torch::Tensor& s_fake, double real_target);

FamilyInfo lsgan_family_info();
FamilyInfo wgan_family_info();
FamilyInfo wgan_gp_family_info();
FamilyInfo sngan_family_info();

}  // namespace gan
