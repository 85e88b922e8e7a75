// StarGAN (Choi, Choi, Kim, Ha, Kim & Choo, 2018): one generator translates an image into any of many
// domains, told which by the target label joined to the image as constant channels. One discriminator
// has two heads: a PatchGAN critic (WGAN-GP) and a classifier of the image's domain. G learns to fool the
// critic, to be classified as the target, and to come back when translated to the original label.
// Domains are a dataset's classes (one each) or binary attributes (several each, from an attribute file).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "models/core/family.h"
#include "models/core/image.h"
#include "models/core/random.h"
#include "models/families/translation.h"
#include "models/layers/image_pool.h"
#include "models/layers/init.h"
#include "models/layers/state.h"
#include "models/losses/adversarial.h"
#include "models/networks/stargan.h"

namespace gan {
namespace {

constexpr int kPreview = 8;        // images in the training view
constexpr double kMaxStrength = 2;  // the strength slider's top

// The label vectors of labels: one-hot rows for classes (N), the rows themselves for attributes (N x K).
torch::Tensor label_vectors(const torch::Tensor& labels, int64_t k) {
  if (labels.dim() == 1) return torch::one_hot(labels, k).to(torch::kFloat);
  return labels.to(torch::kFloat);
}

// One translation asked for: the target label vector (K) and what to call it.
struct Target {
  torch::Tensor label;
  std::string name;
};

class StarSnapshot : public Snapshot {
 public:
  StarSnapshot(StarGenerator g, torch::Device device, torch::Tensor preview, torch::Tensor preview_labels,
               std::vector<std::string> names, bool attributes, std::vector<int> groups, int resolution, int channels)
      : g_(std::move(g)), device_(device), preview_(std::move(preview)), preview_labels_(std::move(preview_labels)),
        names_(std::move(names)), attributes_(attributes), groups_(std::move(groups)), resolution_(resolution),
        channels_(channels) {}

  // Without inputs: the fixed preview images, and a row of their translations into each domain (classes)
  // or with each attribute flipped from their own (attributes). With inputs (N x C x R x R uint8): their
  // translations into each target the options ask for, input by input.
  Samples sample(const SampleRequest& r) override {
    torch::NoGradGuard no_grad;
    Samples out;
    if (r.inputs.defined()) {
      check_inputs(r.inputs);
      const auto targets = targets_of(r.options);
      std::vector<torch::Tensor> per_target;
      for (const auto& t : targets) {
        per_target.push_back(translate(r.inputs, t.label.unsqueeze(0).expand({r.inputs.size(0), -1})));
        out.output_names.push_back(t.name);
      }
      out.images = torch::stack(per_target, 1).flatten(0, 1);  // input by input
      out.columns = static_cast<int>(targets.size());
      return out;
    }
    if (!preview_.defined() || preview_.size(0) == 0) throw std::invalid_argument("this model has no preview images yet");
    const int64_t n = preview_.size(0), k = static_cast<int64_t>(names_.size());
    const auto own = label_vectors(preview_labels_, k);
    std::vector<torch::Tensor> rows{preview_};
    out.row_labels = {"Input"};
    for (int64_t d = 0; d < k; ++d) {
      torch::Tensor target;
      if (attributes_) {
        target = own.clone();
        target.select(1, d).fill_(1).sub_(own.select(1, d));  // attribute d flipped
        out.row_labels.push_back("flip " + names_[static_cast<size_t>(d)]);
      } else {
        target = domain_label(d, 1.0).unsqueeze(0).expand({n, -1});
        out.row_labels.push_back("\u2192 " + names_[static_cast<size_t>(d)]);
      }
      rows.push_back(translate(preview_, target));
    }
    out.images = torch::cat(rows);
    out.columns = static_cast<int>(n);
    return out;
  }

  // The translation panel: a column per image, the images as the model sees them on the first row and
  // a row per target asked for under them; the rows' names, and how much the translations changed
  // the images.
  ExploreResult explore(const ExploreRequest& r) override {
    if (r.view != "translate") throw std::invalid_argument("no explore panel '" + r.view + "'");
    torch::NoGradGuard no_grad;
    const auto targets = targets_of(r.values);
    ExploreResult out;
    const auto x8 = panel_images(r.values, "images", resolution_, channels_);
    if (!x8.defined()) return out;
    const int64_t n = x8.size(0);
    std::vector<torch::Tensor> rows{x8};
    std::string listing = "Input";
    double change = 0;
    for (const auto& t : targets) {
      auto y8 = translate(x8, t.label.unsqueeze(0).expand({n, -1}));
      change += (y8.to(torch::kFloat) - x8.to(torch::kFloat)).abs().mean().item<double>();
      rows.push_back(y8);
      listing += "\n\u2192 " + t.name;
    }
    out.outputs.push_back({"translation", OutputKind::Image, make_grid(torch::cat(rows), static_cast<int>(n)), "", {}});
    out.outputs.push_back({"targets", OutputKind::Text, {}, listing, {}});
    out.scalars.emplace_back("mean change (8-bit levels)", change / static_cast<double>(targets.size()));
    return out;
  }

  // The targets the options ask for. Classes: `domain` names one ("Sneaker" or its number) or "all"
  // (the default). Attributes: `attrs` gives the ticked ones ("Smiling=1,Male=0"; the rest are 0);
  // `domain` then flips one of them, or "all" adds a row per attribute flipped (the default without
  // attrs). `strength` scales the label vector (1: as trained).
  std::vector<Target> targets_of(const Values& v) const {
    const double strength = v.number("strength", 1.0);
    if (!(strength >= 0 && strength <= kMaxStrength))
      throw std::invalid_argument("the strength must be between 0 and 2, not " + v.text("strength"));
    const int64_t k = static_cast<int64_t>(names_.size());
    std::vector<Target> out;
    std::string times;
    if (strength != 1.0) {
      char s[32];
      std::snprintf(s, sizeof s, " \u00d7%g", strength);
      times = s;
    }
    auto scaled = [&](const torch::Tensor& label, const std::string& name) {
      out.push_back({label * strength, name + times});
    };
    if (!attributes_) {
      if (v.has("attrs")) throw std::invalid_argument("this model's domains are classes, not attributes: give a domain");
      const std::string domain = v.text("domain", "all");
      for (int64_t d = 0; d < k; ++d)
        if (domain == "all" || find_class(names_, domain) == d)
          out.push_back({domain_label(d, strength), names_[static_cast<size_t>(d)] + times});
      if (out.empty()) throw std::invalid_argument("unknown domain '" + domain + "'; the domains are " + listing());
      return out;
    }
    const auto ticked = parse_attributes(v.text("attrs"));
    const std::string domain = v.text("domain", v.has("attrs") ? "" : "all");
    if (domain.empty() || domain == "all") scaled(ticked, "attrs");
    for (int64_t d = 0; d < k && !domain.empty(); ++d) {
      if (domain != "all" && find_class(names_, domain) != d) continue;
      auto label = ticked.clone();
      label[d] = 1 - ticked[d].item<float>();
      scaled(label, "flip " + names_[static_cast<size_t>(d)]);
    }
    if (out.empty()) throw std::invalid_argument("unknown attribute '" + domain + "'; the attributes are " + listing());
    return out;
  }

 private:
  // Domain d's label, its one-hot times `strength`; with several datasets, placed among them with the
  // mask vector of the dataset it belongs to.
  torch::Tensor domain_label(int64_t d, double strength) const {
    if (groups_.size() < 2) {
      auto label = torch::zeros({static_cast<int64_t>(names_.size())});
      label[d] = strength;
      return label;
    }
    int group = 0;
    int64_t first = 0;
    while (d >= first + groups_[static_cast<size_t>(group)]) first += groups_[static_cast<size_t>(group++)];
    auto part = torch::zeros({1, static_cast<int64_t>(groups_[static_cast<size_t>(group)])});
    part[0][d - first] = strength;
    return with_mask(part, groups_, group)[0];
  }

  std::string listing() const {
    std::string s;
    for (const auto& n : names_) s += (s.empty() ? "" : ", ") + n;
    return s;
  }

  // "name=1,name=0" (names or numbers; attributes not named are 0) as a vector of K.
  torch::Tensor parse_attributes(const std::string& text) const {
    auto label = torch::zeros({static_cast<int64_t>(names_.size())});
    size_t at = 0;
    while (at < text.size()) {
      size_t end = text.find(',', at);
      if (end == std::string::npos) end = text.size();
      const std::string item = text.substr(at, end - at);
      at = end + 1;
      if (item.empty()) continue;
      const size_t eq = item.rfind('=');
      const std::string name = eq == std::string::npos ? item : item.substr(0, eq);
      const std::string value = eq == std::string::npos ? "1" : item.substr(eq + 1);
      const int d = find_class(names_, name);
      if (d < 0) throw std::invalid_argument("unknown attribute '" + name + "'; the attributes are " + listing());
      if (value != "0" && value != "1")
        throw std::invalid_argument("attribute " + name + " must be 0 or 1, not '" + value + "'");
      label[d] = value == "1" ? 1.0 : 0.0;
    }
    return label;
  }

  void check_inputs(const torch::Tensor& x) const {
    if (x.dim() != 4 || x.size(1) != channels_ || x.size(2) != resolution_ || x.size(3) != resolution_)
      throw std::invalid_argument("the inputs must be " + std::to_string(channels_) + " x " +
                                  std::to_string(resolution_) + " x " + std::to_string(resolution_) + " images");
  }

  // uint8 images and their target label vectors (N x K) -> the translations, uint8; 100 at a time.
  torch::Tensor translate(const torch::Tensor& x8, const torch::Tensor& labels) {
    std::vector<torch::Tensor> parts;
    for (int64_t i = 0; i < x8.size(0); i += 100) {
      const int64_t m = std::min<int64_t>(100, x8.size(0) - i);
      auto x = from_uint8(x8.narrow(0, i, m)).to(device_);
      parts.push_back(to_uint8(g_->forward(x, labels.narrow(0, i, m).to(device_))));
    }
    return torch::cat(parts);
  }

  StarGenerator g_;
  torch::Device device_;
  torch::Tensor preview_, preview_labels_;
  std::vector<std::string> names_;
  bool attributes_;
  std::vector<int> groups_;  // each dataset's domains, with a second dataset (the mask vector)
  int resolution_, channels_;
};

class StarGan : public Family {
 public:
  StarGan(const FamilyInfo& info, const FamilySetup& s)
      : Family(info),
        setup_(s),
        resolution_(static_cast<int>(s.params.integer("resolution"))),
        g_net_(generator_options(s)),
        d_net_(s.image_channels, static_cast<int>(s.params.integer("ndf")), resolution_, domains(s)),
        g_("G", g_net_.ptr()),
        d_("D", d_net_.ptr()),
        lambda_cls_(s.params.number("lambda_cls")),
        lambda_rec_(s.params.number("lambda_rec")),
        lambda_gp_(s.params.number("lambda_gp")),
        lr_(s.params.number("lr")),
        d_steps_(static_cast<int>(s.params.integer("d_steps"))),
        constant_steps_(s.params.integer("lr_constant_steps")),
        decay_steps_(s.params.integer("lr_decay_steps")),
        batch_(s.params.integer("batch")),
        groups_(s.class_groups) {
    if (s.image_channels < 1 || s.image_channels > 3) throw std::invalid_argument("StarGAN needs 1 to 3 channels");
    // PyTorch's default initialisation, as the authors' code leaves it, drawn from the run's seed.
    torch::Generator init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")));
    const auto betas = std::make_tuple(s.params.number("beta1"), s.params.number("beta2"));
    for (Player* p : {&g_, &d_}) {
      seeded_default_init(p->net(), init);
      p->to(s.device);
      p->set_optimizer(
          std::make_unique<torch::optim::Adam>(p->net().parameters(), torch::optim::AdamOptions(lr_).betas(betas)));
      add_player(*p);
    }
  }

  void attach_data(const std::map<std::string, StreamData>& data) override {
    auto it = data.find("images");
    if (it == data.end()) throw std::invalid_argument("StarGAN needs the stream images");
    if (!it->second.labels.defined())
      throw std::invalid_argument("StarGAN needs labelled images: classes (a built-in set, class folders) or an attribute file");
    const auto gen_seed = static_cast<unsigned long long>(setup_.params.integer("seed")) + 101;
    auto gen = make_cpu_generator(gen_seed);
    const auto& images = it->second.images;
    auto order = torch::randperm(images.size(0), gen, torch::TensorOptions(torch::kLong));
    auto pick = order.narrow(0, 0, std::min<int64_t>(kPreview, images.size(0)));
    preview_ = images.index_select(0, pick).clone();
    preview_labels_ = it->second.labels.index_select(0, pick).clone();
  }

  Scalars train_step(Streams& streams, torch::Generator& noise) override {
    const double factor = linear_decay_factor(steps_, constant_steps_, decay_steps_);
    for (Player* p : {&g_, &d_}) {
      for (auto& group : p->optimizer().param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr_ * factor);
      p->net().train();
    }
    // The critic and classifier: d_steps rounds, each a new batch of every dataset in turn. Then the
    // generator, once per dataset, on its last batch (with two datasets, the authors' alternation).
    const int datasets = groups_.size() < 2 ? 1 : static_cast<int>(groups_.size());
    std::vector<Labelled> last(static_cast<size_t>(datasets));
    std::vector<double> sums(7, 0.0);
    for (int i = 0; i < d_steps_; ++i)
      for (int g = 0; g < datasets; ++g) {
        last[static_cast<size_t>(g)] = draw(streams, noise, g);
        const auto d = critic_step(last[static_cast<size_t>(g)], noise);
        if (i + 1 == d_steps_)
          for (size_t j = 0; j < d.size(); ++j) sums[j] += d[j] / datasets;
      }
    for (int g = 0; g < datasets; ++g) {
      const auto l = generator_step(last[static_cast<size_t>(g)]);
      for (size_t j = 0; j < l.size(); ++j) sums[4 + j] += l[j] / datasets;
    }
    ++steps_;
    return {{"loss_d_adv", sums[0]}, {"loss_d_cls", sums[1]}, {"loss_gp", sums[2]}, {"grad_norm", sums[3]},
            {"loss_g_adv", sums[4]}, {"loss_g_cls", sums[5]}, {"loss_rec", sums[6]}, {"lr_factor", factor}};
  }

  std::shared_ptr<Snapshot> snapshot() const override {
    StarGenerator copy(generator_options(setup_));
    copy->to(setup_.device);
    copy_module_state(*g_net_, *copy);
    copy->eval();
    return std::make_shared<StarSnapshot>(copy, setup_.device, preview_, preview_labels_, setup_.class_names,
                                          setup_.attributes, groups_, resolution_, setup_.image_channels);
  }

  int resolution() const override { return resolution_; }
  int image_channels() const override { return setup_.image_channels; }

 protected:
  void save_state(torch::serialize::OutputArchive& a) const override {
    a.write("stargan_steps", torch::tensor(static_cast<int64_t>(steps_)));
    a.write("preview", preview_.defined() ? preview_ : torch::empty({0}, torch::kUInt8));
    a.write("preview_labels", preview_labels_.defined() ? preview_labels_ : torch::empty({0}, torch::kLong));
  }
  void load_state(torch::serialize::InputArchive& a) override {
    torch::Tensor steps;
    a.read("stargan_steps", steps);
    steps_ = steps.item<int64_t>();
    a.read("preview", preview_);
    a.read("preview_labels", preview_labels_);
  }

 private:
  // A batch of one dataset, its labels, the targets drawn for it, and both as the networks take them.
  struct Labelled {
    torch::Tensor real, labels, labels_trg, c_org, c_trg;
    int group = 0;
  };

  // The next batch of dataset `group` (0: images, 1: second), its targets drawn by shuffling the batch's
  // own labels (the authors' code); label vectors with the mask vector when there are two datasets.
  Labelled draw(Streams& streams, torch::Generator& noise, int group) {
    Labelled b;
    Batch x = streams.next(group == 0 ? "images" : "second", batch_);
    b.real = x.images;
    b.labels = x.labels;
    b.group = group;
    auto perm = torch::randperm(b.real.size(0), noise, torch::TensorOptions(torch::kLong)).to(b.labels.device());
    b.labels_trg = b.labels.index_select(0, perm);
    const int64_t k = groups_.size() < 2 ? domains(setup_) : groups_[static_cast<size_t>(group)];
    b.c_org = with_mask(label_vectors(b.labels, k), groups_, group);
    b.c_trg = with_mask(label_vectors(b.labels_trg, k), groups_, group);
    return b;
  }

  // The domain head's logits for a dataset's own domains: with two, the classification loss sees only
  // those (the mask vector's point: a dataset's labels say nothing of the other's domains).
  torch::Tensor own_logits(const torch::Tensor& logits, int group) const {
    if (groups_.size() < 2) return logits;
    return logits.narrow(1, group == 0 ? 0 : groups_[0], groups_[static_cast<size_t>(group)]);
  }

  // One critic update: -D(x) + D(G(x, c)) + lambda_cls L_cls(real) + lambda_gp GP. Returns the
  // adversarial term, the classification loss, the penalty and the mean gradient norm.
  std::vector<double> critic_step(const Labelled& b, torch::Generator& noise) {
    d_.zero_grad();
    auto on_real = d_net_->forward(b.real);
    auto loss_real = -on_real.source.mean();
    auto loss_cls = domain_classification_loss(own_logits(on_real.domain, b.group), b.labels);
    torch::Tensor fake;
    {
      torch::NoGradGuard no_grad;
      fake = g_net_->forward(b.real, b.c_trg);
    }
    auto loss_fake = d_net_->forward(fake).source.mean();
    auto eps = torch::rand({b.real.size(0), 1, 1, 1}, noise).to(b.real.device());
    torch::Tensor grad_norm;
    auto gp = gradient_penalty([this](const torch::Tensor& x) { return d_net_->forward(x).source; }, b.real, fake, eps,
                               &grad_norm);
    (loss_real + loss_fake + lambda_cls_ * loss_cls + lambda_gp_ * gp).backward();
    d_.step();
    return {(loss_real + loss_fake).item<double>(), loss_cls.item<double>(), gp.item<double>(),
            grad_norm.item<double>()};
  }

  // One generator update: fool the critic, be classified as the target, come back to the original label.
  std::vector<double> generator_step(const Labelled& b) {
    g_.zero_grad();
    set_requires_grad({d_net_.get()}, false);
    auto fake = g_net_->forward(b.real, b.c_trg);
    auto on_fake = d_net_->forward(fake);
    auto loss_adv = -on_fake.source.mean();
    auto loss_cls = domain_classification_loss(own_logits(on_fake.domain, b.group), b.labels_trg);
    auto loss_rec = (b.real - g_net_->forward(fake, b.c_org)).abs().mean();
    (loss_adv + lambda_cls_ * loss_cls + lambda_rec_ * loss_rec).backward();
    g_.step();
    set_requires_grad({d_net_.get()}, true);
    return {loss_adv.item<double>(), loss_cls.item<double>(), loss_rec.item<double>()};
  }

  static int domains(const FamilySetup& s) {
    if (s.num_classes < 2 && !s.attributes)
      throw std::invalid_argument("StarGAN needs at least two domains: data with two or more classes, or attributes");
    if (s.num_classes < 1) throw std::invalid_argument("StarGAN needs at least one attribute");
    return s.num_classes;
  }
  static StarGeneratorOptions generator_options(const FamilySetup& s) {
    StarGeneratorOptions o;
    o.channels = s.image_channels;
    o.label_dim = domains(s) + (s.class_groups.size() < 2 ? 0 : static_cast<int>(s.class_groups.size()));  // + the mask
    o.ngf = static_cast<int>(s.params.integer("ngf"));
    o.blocks = static_cast<int>(s.params.integer("g_blocks"));
    return o;
  }

  FamilySetup setup_;
  int resolution_;
  StarGenerator g_net_;
  StarDiscriminator d_net_;
  Player g_, d_;
  double lambda_cls_, lambda_rec_, lambda_gp_, lr_;
  int d_steps_;
  long long constant_steps_, decay_steps_, batch_;
  long long steps_ = 0;
  torch::Tensor preview_, preview_labels_;  // kPreview fixed images and their labels, on the CPU
  std::vector<int> groups_;                  // each dataset's domains, with a second dataset
};

}  // namespace

FamilyInfo stargan_family_info() {
  FamilyInfo f;
  f.id = "stargan";
  f.name = "StarGAN";
  f.summary =
      "One generator for many domains. G takes an image and the target domain's label, replicated into "
      "constant planes and joined to the image as channels; one discriminator has two heads, a PatchGAN critic "
      "trained with WGAN-GP and a classifier of the image's domain. G is asked to fool the critic, to be "
      "classified as the target (lambda_cls = 1), and to give the image back when translated again to its "
      "own label (L1, lambda_rec = 10). Residual G with instance norm, Adam (1e-4, beta = (0.5, 0.999)), five "
      "critic steps per G step, a constant rate and then a linear decay. Domains are a dataset's classes "
      "(Fashion-MNIST's ten, typefaces, class folders) or the binary attributes of an attribute file "
      "(list_attr_celeba.txt format). A second dataset with other classes (--data-second) trains at once with the "
      "mask vector: each label carries which dataset it is from, and each dataset's classification loss sees only "
      "its own domains. The translation panel translates into a chosen domain, or into all of them "
      "a row each; with attributes, tick them and flip them.";
  f.paper = "Y. Choi, M. Choi, M. Kim, J.-W. Ha, S. Kim, J. Choo. StarGAN: Unified Generative Adversarial Networks "
            "for Multi-Domain Image-to-Image Translation. CVPR 2018. arXiv:1711.09020";
  StreamSpec images{"images", "Images",
                    "Images and their domains: classes (a built-in set, class folders) or an attribute file", true,
                    "fashion-mnist"};
  images.takes_attributes = true;
  images.present_classes_only = true;  // fashion-mnist:Sandal,Sneaker,Ankle boot: three domains
  StreamSpec second{"second", "Second dataset",
                    "Optional: a second labelled dataset with other domains (other class names), trained at once "
                    "with the mask vector, as the paper joins CelebA and RaFD",
                    true, ""};
  second.present_classes_only = true;
  second.extra_domains = true;
  f.caps.streams = {images, second};
  f.caps.series = {
      {"loss_d_adv", "Critic (adversarial)", SeriesAxis::Loss, SeriesKind::PerStep,
       "-D(x) + D(G(x, c)): the critic's Wasserstein loss, last critic step"},
      {"loss_d_cls", "D classification", SeriesAxis::Loss, SeriesKind::PerStep,
       "The domain head's loss on real images with their own labels"},
      {"loss_gp", "Gradient penalty", SeriesAxis::Loss, SeriesKind::PerStep,
       "(||grad D(x_hat)|| - 1)^2 on interpolates, before its weight lambda_gp"},
      {"grad_norm", "Critic gradient norm", SeriesAxis::Output, SeriesKind::PerStep,
       "Mean ||grad D(x_hat)|| at the interpolates, which the penalty pulls towards 1"},
      {"loss_g_adv", "G adversarial", SeriesAxis::Loss, SeriesKind::PerStep, "-D(G(x, c)): G's loss against the critic"},
      {"loss_g_cls", "G classification", SeriesAxis::Loss, SeriesKind::PerStep,
       "The domain head's loss on translations with their target labels"},
      {"loss_rec", "Reconstruction", SeriesAxis::Loss, SeriesKind::PerStep,
       "|x - G(G(x, c), c')|: translated and brought back to its own label, L1, before lambda_rec"},
      {"lr_factor", "Learning-rate factor", SeriesAxis::Fraction, SeriesKind::PerStep,
       "1 for the constant phase, then down to 0"}};
  const auto domain = class_control("domain", "Target domain",
                                     "The domain to translate into; all: a row per domain. With attributes: the "
                                     "attribute to flip from the ticked ones; all: the ticked ones, then a row per "
                                     "attribute flipped",
                                     /*all_option=*/true);
  const auto attrs = attributes_control("attrs", "Attributes", "The target's attributes (with attribute labels)");
  const auto strength = slider_control("strength", "Strength",
                                       "Scales the target label: 1 as trained, 0 no domain at all, above 1 an "
                                       "exaggerated label the model never saw",
                                       0, kMaxStrength, 1.0);
  ViewSpec view;
  view.id = "translate";
  view.title = "Translation";
  view.help = "Open, paste or drop images of any size: each is resized and centre-cropped as the model expects, and "
              "translated into the domains asked for, a row per domain";
  view.controls = {image_control("images", "Images", "One or many images to translate"), domain, attrs, strength};
  view.outputs = {{"translation", "Translations", OutputKind::Image,
                   "A column per image: the image as the model sees it, then G(x, c) for each target, a row each"},
                  {"targets", "Rows", OutputKind::Text, "What each row is, top to bottom"}};
  f.caps.views = {view};
  f.caps.translate_options = {domain, attrs, strength};
  f.caps.target_option = "domain";
  f.caps.noise_metrics = false;
  f.caps.truncation.why_none = translation_why_no_truncation();
  f.params = translation_adam_params("1e-4", "G and D");
  f.params.insert(f.params.end(), {
      {"lambda_cls", "Classification weight", "Weight of the domain-classification losses (the paper: 1)",
       ParamType::Float, 0, 1000, "1", {}, false, /*resumable=*/true},
      {"lambda_rec", "Reconstruction weight", "Weight of the reconstruction loss (the paper: 10)", ParamType::Float, 0,
       1000, "10", {}, false, /*resumable=*/true},
      {"lambda_gp", "Gradient-penalty weight", "Weight of the critic's gradient penalty (the paper: 10)",
       ParamType::Float, 0, 1000, "10", {}, false, /*resumable=*/true},
      {"d_steps", "D steps per G step", "Critic updates, each on a new batch, before each generator update (the paper: 5)",
       ParamType::Int, 1, 100, "5", {}, false},
      {"lr_constant_steps", "Constant-rate steps", "Generator steps at the full learning rate", ParamType::Int, 0, 1e9,
       "2000", {}, false},
      {"lr_decay_steps", "Decay steps", "Generator steps over which the learning rate then falls linearly to 0",
       ParamType::Int, 0, 1e9, "2000", {}, false},
      {"resolution", "Resolution", "Side of the images; data are resized and centre-cropped to it", ParamType::Choice, 0,
       0, "32", {"16", "32", "64", "128", "256"}, false},
      {"ngf", "G width", "Generator channels after its first convolution (the paper: 64)", ParamType::Int, 4, 256, "32",
       {}, false},
      {"g_blocks", "G residual blocks", "Residual blocks at the generator's bottleneck (the paper: 6)", ParamType::Int,
       1, 16, "6", {}, false},
      {"ndf", "D width", "Discriminator channels at its first layer, doubled at each of its stride-2 layers (the "
       "paper: 64)", ParamType::Int, 4, 256, "32", {}, false},
  });
  for (auto& p : shared_params(16)) f.params.push_back(p);
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    return std::make_unique<StarGan>(info, s);
  };
  return f;
}

}  // namespace gan
