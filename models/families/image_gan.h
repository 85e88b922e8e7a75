#pragma once
// The families that make images from a latent z (and a class): GAN, cGAN, DCGAN, LSGAN, WGAN, WGAN-GP,
// SNGAN, SAGAN, ACGAN and SGAN. ImageGan holds their two players and the training step they share;
// each family's own file picks its networks, its adversarial loss and its optimizer, and overrides a
// hook where its paper differs (WGAN's clip, WGAN-GP's penalty, ACGAN's and SGAN's class terms).
// Shared here too: the Improved-GAN techniques, DCGAN's and GAN's networks built from the params,
// the latent sample options and explore panel, and the registry helpers these families use.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/core/family.h"
#include "models/losses/adversarial.h"
#include "models/networks/dcgan.h"
#include "models/networks/image_nets.h"

namespace gan {

// A family's networks: G, D, and makers of another G and another D of the same architecture (for the
// EMA and snapshots; for SGAN's supervised baseline).
struct ImageGanNets {
  std::shared_ptr<ImageGenerator> g;
  std::shared_ptr<ImageCritic> d;
  std::function<std::shared_ptr<ImageGenerator>()> new_g;
  std::function<std::shared_ptr<ImageCritic>()> new_d;
};

// Makes a player's optimizer for its parameters at learning rate lr.
using MakeOptimizer =
    std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<torch::Tensor> params, double lr)>;
// Adam with the params' beta1 and beta2; SGD with their momentum when they say optimizer = sgd.
MakeOptimizer adam_or_sgd(const ParamSet& params);
MakeOptimizer adam(const ParamSet& params);
MakeOptimizer rmsprop();

// One discriminator step, as the hooks see it.
struct DStep {
  const Batch& real;
  torch::Tensor fake;    // G(z), attached to G's graph
  torch::Tensor y_fake;  // the classes G drew for (undefined for unconditional generators)
  CriticOutput real_out, fake_out;
  long long n;           // the batch size of this step
  torch::Generator& noise;
};

class ImageGan : public Family {
 public:
  ImageGan(const FamilyInfo& info, const FamilySetup& setup, ImageGanNets nets, AdversarialLoss loss,
           const MakeOptimizer& make_optimizer);

  Scalars train_step(Streams& streams, torch::Generator& noise) override;
  std::shared_ptr<Snapshot> snapshot() const override;
  int resolution() const override { return g_net_->resolution(); }
  int image_channels() const override { return g_net_->channels(); }

  // Images for latents z (N x latent_dim) and classes (N int64, or undefined: 0, 1, ..., K-1, 0, ...
  // for conditional generators), from the EMA of G when it is on, else G in eval mode; on the CPU.
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels = {});
  ImageGenerator& generator() const { return *g_net_; }
  ImageCritic& discriminator() const { return *d_net_; }
  Player& g_player() { return g_; }
  Player& d_player() { return d_; }
  long long technique_steps() const { return steps_; }

 protected:
  // D's loss on this step's outputs: the adversarial loss by default.
  virtual torch::Tensor d_loss(DStep& step);
  // Terms added to D's loss after it (ACGAN's and SGAN's class terms).
  virtual torch::Tensor add_d_terms(torch::Tensor loss_d, DStep& /*step*/) { return loss_d; }
  // After D's optimizer step, before its historical average sees the weights (WGAN's clip).
  virtual void after_d_update() {}
  // Terms added to G's loss (ACGAN's class term).
  virtual torch::Tensor add_g_terms(torch::Tensor loss_g, const CriticOutput& /*gen_out*/,
                                    const torch::Tensor& /*y_fake*/) {
    return loss_g;
  }
  // D's steps before G's step number `g_step` (0, 1, ...): d_steps by default (WGAN's schedule differs).
  virtual int d_steps_at(long long /*g_step*/) const { return d_steps_; }
  // Scalars reported after loss_d, loss_g and the adversarial loss's own.
  virtual void report(Scalars& /*out*/) {}

  void save_state(torch::serialize::OutputArchive& archive) const override;
  void load_state(torch::serialize::InputArchive& archive) override;

  // A frozen copy of the generator that samples (the EMA when it is on), in eval mode, on the device.
  std::shared_ptr<ImageGenerator> generator_copy() const;
  const FamilySetup& setup() const { return setup_; }
  torch::Device device() const { return setup_.device; }
  const AdversarialLoss& loss() const { return loss_; }
  int d_steps() const { return d_steps_; }

 private:
  FamilySetup setup_;
  std::shared_ptr<ImageGenerator> g_net_;
  std::shared_ptr<ImageCritic> d_net_;
  std::function<std::shared_ptr<ImageGenerator>()> new_g_;
  std::shared_ptr<ImageGenerator> ema_net_;  // the EMA of G, when on
  Player g_, d_;
  AdversarialLoss loss_;
  long long batch_;
  double noise_sigma_ = 0;      // instance noise at step 0
  long long noise_anneal_ = 1;
  bool feature_matching_ = false;
  bool fresh_g_noise_ = true;
  int d_steps_;
  long long steps_ = 0;         // G updates so far (anneals the instance noise)
};

// WGAN's critic steps before generator step g_step (0, 1, ...): d_steps, or with the reference schedule
// of the authors' code 100 for the first 25 generator steps and every 500th.
int wgan_critic_steps(bool reference_schedule, int d_steps, long long g_step);

// sigma0 * max(0, 1 - step / anneal_steps): the instance noise's standard deviation at `step`.
double instance_noise_sigma(double sigma0, long long step, long long anneal_steps);
// 1 - one-sided label smoothing, for the log loss (1 when the family has no such param).
double real_target(const ParamSet& params);

// The latent families' sampling and latent explorer for a generator (a frozen copy): the sample options
// and view that image_family_info declares.
std::shared_ptr<Snapshot> latent_snapshot(std::shared_ptr<ImageGenerator> g, torch::Device device,
                                          std::vector<std::string> class_names);

// The latent families' truncation: the slider (a threshold for z, optional), and its value in a request
// (0 when off; std::invalid_argument below kMinTruncation).
ControlSpec truncation_control();
double truncation_threshold(const Values& v);

// ---- Networks from the params --------------------------------------------------------------------
// DCGAN's networks (latent_dim, resolution, ngf, ndf, and the techniques' g_norm, vbn_reference,
// g_spectral, attention_res, mbd_kernels), adjusted by the family, initialised from the run's seed
// the way DCGAN does (N(0, 0.02); orthogonal when init = orthogonal).
ImageGanNets conv_nets(const FamilySetup& setup,
                       const std::function<void(DcganOptions&, CriticOptions&)>& adjust = {});
// The adjustment of SNGAN and SAGAN: spectral norm on every D layer, in place of batch norm.
void spectral_critic(DcganOptions& g, CriticOptions& d);
// GAN's perceptrons (cGAN's when `conditional`), initialised from the run's seed.
ImageGanNets mlp_nets(const FamilySetup& setup, bool conditional);

// Throws std::invalid_argument, naming the family, when the data have fewer than 2 classes.
void require_classes(const FamilyInfo& info, const FamilySetup& setup);

// ---- Registry helpers ------------------------------------------------------------------------------
// A registry entry for an image family: streams (labelled when `uses_classes`), series, the latent
// sample options (truncation; a class when `conditional`) and the latent explorer.
FamilyInfo image_family_info(const char* id, const char* name, const char* summary, const char* paper,
                             std::vector<SeriesSpec> series, bool conditional, bool uses_classes);
// The series of the log loss (D loss, G loss, D(x), D(G(z))), and of the raw-score losses.
std::vector<SeriesSpec> log_loss_series();
std::vector<SeriesSpec> score_series();
std::vector<SeriesSpec> wasserstein_series();

std::vector<HyperParam> adam_params(const std::string& lr_g, const std::string& lr_d, const std::string& beta1,
                                    const std::string& beta2, const std::string& beta1_help);
HyperParam d_steps_param(const std::string& default_steps);
std::vector<HyperParam> conv_network_params();  // latent size, resolution, G and D widths
// The perceptron families' hyper-parameters (GAN's defaults), techniques and shared ones included.
std::vector<HyperParam> mlp_params();

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
// Appends the technique, network and shared hyper-parameters to a conv family's own.
void finish_conv_params(FamilyInfo& f, TechniqueSet t);

}  // namespace gan
