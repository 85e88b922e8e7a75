// Semi-supervised GAN (Odena 2016; Salimans et al. 2016): D's K logits classify a labelled subset, and
// their log-sum-exp is the real/fake logit; a supervised-only baseline trains beside it.
#include "models/core/parallel.h"
#include "models/core/random.h"
#include "models/families/image_gan.h"
#include "models/layers/init.h"
#include "models/networks/mlp.h"

namespace gan {
namespace {
namespace F = torch::nn::functional;

std::vector<SeriesSpec> sgan_series() {
  auto s = log_loss_series();
  s.push_back({"loss_sup", "Supervised loss", SeriesAxis::Loss, SeriesKind::PerStep,
               "D's cross-entropy on a batch of the labelled subset"});
  s.push_back({"acc_sgan", "Test accuracy: SGAN", SeriesAxis::Accuracy, SeriesKind::Measured,
               "D's classifier on held-out labelled images"});
  s.push_back({"acc_supervised", "Test accuracy: supervised only", SeriesAxis::Accuracy, SeriesKind::Measured,
               "The same network trained on the labelled subset alone"});
  return s;
}

class Sgan : public ImageGan {
 public:
  Sgan(const FamilyInfo& info, const FamilySetup& s, ImageGanNets nets)
      : ImageGan(info, s, nets, log_loss(/*minimax=*/false, real_target(s.params)), adam(s.params)),
        labelled_(s.params.text("labels")),
        seed_(static_cast<unsigned long long>(s.params.integer("seed"))),
        num_classes_(s.num_classes) {
    if (s.params.text("baseline") != "on") return;
    baseline_net_ = nets.new_d();
    baseline_ = std::make_unique<Player>("baseline", baseline_net_);
    torch::Generator init = make_cpu_generator(seed_ + 17);
    dcgan_init(*baseline_net_, init);  // initialised as D is
    if (s.params.text("init") == "orthogonal") orthogonal_init(*baseline_net_, init);
    if (auto* salimans = dynamic_cast<SalimansCriticImpl*>(baseline_net_.get()))
      salimans->noise.reseed(seed_ + 18);  // its own noise
    baseline_->to(device());
    baseline_->set_optimizer(adam(s.params)(baseline_net_->parameters(), s.params.number("lr_d")));
    add_player(*baseline_);
  }

  void attach_data(const std::map<std::string, StreamData>& data) override {
    const auto it = data.find("images");
    if (it == data.end() || !it->second.labels.defined()) throw std::invalid_argument(info().name + " needs labelled data");
    const auto& d = it->second;
    auto index = labelled_subset(d.labels, labelled_ == "all" ? -1 : std::stoll(labelled_), num_classes_, seed_);
    labelled_images_ = d.images.index_select(0, index);
    labelled_labels_ = d.labels.index_select(0, index);
    // Salimans et al.'s discriminator starts from its data-dependent initialisation, on 500 images drawn
    // from the seed (once: a resumed run's networks say they have had it).
    std::vector<ImageCritic*> nets{&discriminator()};
    if (baseline_net_) nets.push_back(baseline_net_.get());
    torch::Tensor sample;
    for (ImageCritic* net : nets)
      if (auto* salimans = dynamic_cast<SalimansCriticImpl*>(net); salimans && !salimans->initialised()) {
        if (!sample.defined()) {
          auto order = torch::randperm(d.images.size(0), make_cpu_generator(seed_ + 19), torch::TensorOptions(torch::kLong));
          sample = d.images.index_select(0, order.narrow(0, 0, std::min<int64_t>(500, order.size(0))))
                       .to(device()).to(torch::kFloat).mul_(1.0 / 127.5).sub_(1.0);
        }
        salimans->init_from(sample);
      }
  }

  std::vector<torch::Tensor> classify(const torch::Tensor& images) override {
    torch::NoGradGuard no_grad;
    auto x = images.to(device());
    auto logits_of = [&](ImageCritic& net) {
      const bool was_training = net.is_training();
      net.eval();
      auto l = net.judge(x, {}).class_logits.to(torch::kCPU);
      net.train(was_training);
      return l;
    };
    std::vector<torch::Tensor> out{logits_of(discriminator())};
    if (baseline_net_) out.push_back(logits_of(*baseline_net_));
    return out;
  }

 protected:
  // D also learns the classes of the labelled few; the baseline, the same network, learns them alone
  // from the same batch.
  torch::Tensor add_d_terms(torch::Tensor loss_d, DStep& s) override {
    auto [xl, yl] = labelled_batch(s.n, s.noise);
    loss_sup_ = F::cross_entropy(discriminator().judge(xl, {}).class_logits, yl);
    loss_d = loss_d + loss_sup_;
    if (baseline_net_) {
      baseline_net_->train();
      baseline_->zero_grad();
      auto loss_b = F::cross_entropy(baseline_net_->judge(xl, {}).class_logits, yl);
      loss_b.backward();
      baseline_->step();
    }
    return loss_d;
  }
  void report(Scalars& out) override { out.emplace_back("loss_sup", loss_sup_.item<double>()); }

 private:
  // n labelled images (with replacement) from the labelled subset, as float on the device.
  std::pair<torch::Tensor, torch::Tensor> labelled_batch(long long n, torch::Generator& noise) {
    if (!labelled_images_.defined()) throw std::logic_error("no labelled data attached");
    auto index = batch_randint(labelled_images_.size(0), {n}, noise);
    auto x = labelled_images_.index_select(0, index).to(device()).to(torch::kFloat).mul_(1.0 / 127.5).sub_(1.0);
    return {x, labelled_labels_.index_select(0, index).to(device())};
  }

  std::string labelled_;
  unsigned long long seed_;
  int num_classes_;
  torch::Tensor labelled_images_, labelled_labels_;  // uint8 / int64 on the CPU
  std::shared_ptr<ImageCritic> baseline_net_;  // null when the baseline is off
  std::unique_ptr<Player> baseline_;
  torch::Tensor loss_sup_;
};

}  // namespace

FamilyInfo sgan_family_info() {
  FamilyInfo f = image_family_info(
      "sgan", "SGAN (semi-supervised)",
      "Semi-supervised GAN: D is a K-class classifier whose logits also say real or fake, D(x) = Z / (Z + 1) with "
      "Z = sum_k exp(l_k) (Salimans et al.'s form of Odena's K+1 classes). D learns the classes of a small labelled "
      "subset (100, 1000 or all images, balanced over the classes) and real against generated on everything else; "
      "G trains by feature matching, which the paper found best for classification. A supervised-only baseline, "
      "the same network on the same labelled batches, trains beside it; both test accuracies are plotted live. "
      "D is DCGAN's with layer norm instead of batch norm, so that the classifier measured in eval mode does not "
      "carry statistics of generated images; or, as an option, Salimans et al.'s own MNIST discriminator: a "
      "perceptron of weight-normalised layers (1000-500-250-250-250) with Gaussian noise layers, initialised from "
      "the data (they trained it at lr 0.003, batch 100). The claim to check: with few labels, the GAN's "
      "unlabelled data make the better classifier.",
      "A. Odena. Semi-Supervised Learning with Generative Adversarial Networks. arXiv:1606.01583, 2016; "
      "T. Salimans, I. Goodfellow, W. Zaremba, V. Cheung, A. Radford, X. Chen. Improved Techniques for Training "
      "GANs. NeurIPS 2016. arXiv:1606.03498",
      sgan_series(), /*conditional=*/false, /*uses_classes=*/true);
  f.params = adam_params("3e-4", "3e-4", "0.5", "0.999", "Momentum of the Adam optimizers (Salimans et al.: 0.5)");
  f.params.push_back(d_steps_param("1"));
  f.params.push_back({"labels", "Labelled images", "Size of the labelled subset, balanced over the classes",
                      ParamType::Choice, 0, 0, "100", {"100", "1000", "all"}, false});
  f.params.push_back({"d_net", "Discriminator",
                      "conv: DCGAN's with layer norm; salimans: Salimans et al.'s weight-normalised perceptron with "
                      "Gaussian noise layers (their MNIST model)",
                      ParamType::Choice, 0, 0, "conv", {"conv", "salimans"}, false});
  f.params.push_back({"baseline", "Supervised baseline",
                      "Train the same classifier on the labelled subset alone, side by side", ParamType::Choice, 0, 0,
                      "on", {"on", "off"}, false});
  TechniqueSet t;
  t.log_loss = true;
  t.feature_matching_default = true;
  finish_conv_params(f, t);
  f.check = [](const ParamSet& p) {
    std::vector<std::string> errors;
    if (p.text("d_net") == "salimans" && p.has("mbd_kernels") && p.integer("mbd_kernels") > 0)
      errors.push_back("minibatch discrimination is a layer of the conv discriminator; Salimans et al.'s "
                       "perceptron (d_net salimans) has none");
    return errors;
  };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    require_classes(info, s);
    auto nets = conv_nets(s, [&](DcganOptions&, CriticOptions& d) {
      d.class_logits = s.num_classes;
      // D is also the classifier that is measured, in eval mode: batch norm's running statistics would mix
      // generated, unlabelled and labelled batches. Layer norm is per image (Salimans et al.: weight norm).
      d.norm = CriticNorm::Layer;
    });
    if (s.params.text("d_net") == "salimans") {
      const long long inputs = static_cast<long long>(s.image_channels) * s.params.integer("resolution") * s.params.integer("resolution");
      const int k = s.num_classes;
      const auto seed = static_cast<unsigned long long>(s.params.integer("seed")) + 3;
      nets.new_d = [inputs, k, seed] { return std::make_shared<SalimansCriticImpl>(inputs, k, seed); };
      nets.d = nets.new_d();
      nets.d->to(s.device);
    }
    return std::make_unique<Sgan>(info, s, nets);
  };
  return f;
}

}  // namespace gan
