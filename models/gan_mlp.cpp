#include "models/gan_mlp.h"

#include <cmath>

#include "models/adversarial.h"
#include "models/blocks.h"

namespace gan {
using namespace torch::nn;
namespace F = torch::nn::functional;

MlpGeneratorImpl::MlpGeneratorImpl(const MlpOptions& o) : options(o) {
  const long long out = static_cast<long long>(o.channels) * o.resolution * o.resolution;
  if (o.num_classes > 0) {
    z_in = register_module("z_in", Linear(o.latent_dim, 200));
    y_in = register_module("y_in", Linear(o.num_classes, 1000));
    net->push_back(Linear(1200, o.g_hidden));
  } else {
    net->push_back(Linear(o.latent_dim, o.g_hidden));
    net->push_back(ReLU(ReLUOptions(true)));
    net->push_back(Linear(o.g_hidden, o.g_hidden));
  }
  net->push_back(ReLU(ReLUOptions(true)));
  net->push_back(Linear(o.g_hidden, out));
  net->push_back(Tanh());
  register_module("net", net);
}

torch::Tensor MlpGeneratorImpl::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  auto h = z;
  if (options.num_classes > 0) {
    TORCH_CHECK(labels.defined() && labels.size(0) == z.size(0), "this generator needs a class for every latent");
    h = torch::cat({torch::relu(z_in->forward(z)), torch::relu(y_in->forward(one_hot(labels, options.num_classes)))}, 1);
  }
  return net->forward(h).view({z.size(0), options.channels, options.resolution, options.resolution});
}

MaxoutImpl::MaxoutImpl(long long in, long long units, int pieces) : units(units), pieces(pieces) {
  linear = register_module("linear", Linear(in, units * pieces));
}

torch::Tensor MaxoutImpl::forward(const torch::Tensor& x) {
  return std::get<0>(linear->forward(x).view({x.size(0), units, pieces}).max(2));
}

MlpDiscriminatorImpl::MlpDiscriminatorImpl(const MlpOptions& o) : options(o) {
  const long long in = static_cast<long long>(o.channels) * o.resolution * o.resolution;
  if (o.num_classes > 0) {
    x_in = register_module("x_in", Maxout(in, o.d_hidden, o.pieces));
    y_in = register_module("y_in", Maxout(o.num_classes, 50, o.pieces));
    net->push_back(Maxout(o.d_hidden + 50, o.d_hidden, 4));
    net->push_back(Dropout(0.5));
  } else {
    net->push_back(Flatten());
    net->push_back(Dropout(0.2));
    net->push_back(Maxout(in, o.d_hidden, o.pieces));
    net->push_back(Dropout(0.5));
    net->push_back(Maxout(o.d_hidden, o.d_hidden, o.pieces));
    net->push_back(Dropout(0.5));
  }
  if (o.mbd_kernels > 0) {
    mbd = register_module("mbd", MinibatchDiscrimination(o.d_hidden, o.mbd_kernels, o.mbd_dim));
    head = register_module("head", Linear(o.d_hidden + o.mbd_kernels, 1));
  } else {
    net->push_back(Linear(o.d_hidden, 1));
  }
  register_module("net", net);
}

CriticOutput MlpDiscriminatorImpl::judge(const torch::Tensor& x, const torch::Tensor& labels) {
  torch::Tensor h = x;
  if (options.num_classes > 0) {
    TORCH_CHECK(labels.defined() && labels.size(0) == x.size(0), "this discriminator needs the class of every image");
    h = torch::cat({F::dropout(x_in->forward(x.flatten(1)), F::DropoutFuncOptions().p(0.5).training(is_training())),
                    y_in->forward(one_hot(labels, options.num_classes))},
                   1);
  }
  const auto end = options.mbd_kernels > 0 ? net->end() : net->end() - 1;
  for (auto it = net->begin(); it != end; ++it) h = it->forward(h);
  CriticOutput out;
  out.features = h;
  auto raw = options.mbd_kernels > 0 ? head->forward(torch::cat({h, mbd->forward(h)}, 1))
                                     : (net->end() - 1)->forward(h);
  out.score = raw.view({-1});
  return out;
}

torch::Tensor MlpDiscriminatorImpl::forward(const torch::Tensor& x) { return judge(x).score; }

namespace {

// Every linear layer from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from the run's seed.
void seeded_linear_init(Module& m, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& sub : m.modules(false)) {
    auto* lin = dynamic_cast<LinearImpl*>(sub.get());
    if (!lin) continue;
    const double k = 1.0 / std::sqrt(static_cast<double>(lin->weight.size(1)));
    lin->weight.uniform_(-k, k, gen);
    lin->bias.uniform_(-k, k, gen);
  }
}


// The hyper-parameters of the MLP families, GAN's defaults.
std::vector<HyperParam> mlp_params() {
  std::vector<HyperParam> p = {
      {"g_loss", "G loss", "minimax: minimise log(1 - D(G(z))); non-saturating: maximise log D(G(z))",
       ParamType::Choice, 0, 0, "minimax", {"minimax", "non-saturating"}, false},
      {"optimizer", "Optimizer", "Adam, or SGD with momentum (the paper's)", ParamType::Choice, 0, 0, "adam",
       {"sgd", "adam"}, false},
      {"lr_g", "G learning rate", "Step size of the generator", ParamType::Float, 1e-6, 10.0, "2e-4", {}, true},
      {"lr_d", "D learning rate", "Step size of the discriminator", ParamType::Float, 1e-6, 10.0, "2e-4", {}, true},
      {"momentum", "SGD momentum", "Momentum of both SGD optimizers (with optimizer = sgd; the paper's 0.5)", ParamType::Float, 0.0, 0.99, "0.5", {}, false},
      {"beta1", "Adam beta1", "Momentum of both Adam optimizers", ParamType::Float, 0.0,
       0.999, "0.5", {}, false},
      {"beta2", "Adam beta2", "Second-moment decay of both Adam optimizers", ParamType::Float, 0.0, 0.9999, "0.999",
       {}, false},
      d_steps_param("1"),
      {"latent_dim", "Latent size", "Dimension of z ~ N(0, I)", ParamType::Int, 2, 1024, "100", {}, false},
      {"resolution", "Resolution", "Side of generated images; data are resized to it", ParamType::Choice, 0, 0, "28",
       {"16", "28", "32", "64"}, false},
      {"g_hidden", "G width", "Units in G's (joint) ReLU layers", ParamType::Int, 8, 8192, "1200", {}, false},
      {"d_hidden", "D width", "Maxout units in each of D's layers", ParamType::Int, 4, 4096, "240", {}, false},
      {"pieces", "Maxout pieces", "Linear pieces per maxout unit", ParamType::Int, 1, 16, "5", {}, false},
  };
  TechniqueSet t;
  t.log_loss = true;
  t.virtual_bn = false;  // no batch norm in these generators
  for (auto& h : technique_params(t)) p.push_back(h);
  for (auto& h : shared_params(100)) p.push_back(h);
  return p;
}

std::unique_ptr<Family> make_mlp_family(const FamilyInfo& info, const FamilySetup& s, ClassUse classes) {
  require_classes(info, s, classes);
  MlpOptions o;
  o.latent_dim = s.params.integer("latent_dim");
  o.resolution = static_cast<int>(s.params.integer("resolution"));
  o.channels = s.image_channels;
  o.g_hidden = s.params.integer("g_hidden");
  o.d_hidden = s.params.integer("d_hidden");
  o.pieces = static_cast<int>(s.params.integer("pieces"));
  o.num_classes = classes == ClassUse::Input ? s.num_classes : 0;
  o.mbd_kernels = s.params.integer("mbd_kernels");
  MlpGenerator g(o);
  MlpDiscriminator d(o);
  auto init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")) + 1);
  seeded_linear_init(*g, init);
  seeded_linear_init(*d, init);
  if (s.params.text("init") == "orthogonal") {
    orthogonal_init(*g, init);
    orthogonal_init(*d, init);
  }
  if (o.mbd_kernels > 0) {
    torch::NoGradGuard no_grad;
    d->mbd->T.normal_(0.0, 0.02, init);
  }
  const auto recipe =
      s.params.text("g_loss") == "minimax" ? AdversarialRecipe::Minimax : AdversarialRecipe::NonSaturating;
  return std::make_unique<adversarial_detail::AdversarialFamily<MlpGenerator, MlpDiscriminator>>(info, s, recipe,
                                                                                                 classes, g, d);
}

}  // namespace

FamilyInfo gan_family_info() {
  FamilyInfo f;
  f.id = "gan";
  f.name = "GAN";
  f.summary =
      "The original generative adversarial net: a multilayer-perceptron generator (two ReLU layers of 1200) "
      "against a discriminator of maxout units (two layers of 240 units, 5 pieces each) with dropout. D "
      "takes k steps per G step. G minimises log(1 - D(G(z))), the minimax value function; the paper notes "
      "that this saturates early and suggests maximising log D(G(z)) instead, offered here as an option. "
      "Defaults to Adam (lr 2e-4, beta1 0.5): the paper's SGD (lr 0.1, momentum 0.5, without its "
      "momentum ramp and learning-rate decay) diverged here within 50 steps on Fashion-MNIST; it stays "
      "available as an option.";
  f.paper =
      "I. Goodfellow, J. Pouget-Abadie, M. Mirza, B. Xu, D. Warde-Farley, S. Ozair, A. Courville, Y. Bengio. "
      "Generative Adversarial Nets. NeurIPS 2014. arXiv:1406.2661";
  f.caps.latent_dim = 100;
  f.caps.truncation = TruncationKind::ResampleNormal;
  f.caps.series = {"loss_d", "loss_g", "d_real", "d_fake"};
  f.params = mlp_params();
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) { return make_mlp_family(info, s, ClassUse::None); };
  return f;
}

FamilyInfo cgan_family_info() {
  FamilyInfo f = gan_family_info();
  f.id = "cgan";
  f.name = "cGAN (MLP)";
  f.summary =
      "Conditional GAN, the paper's MNIST networks: G maps z to 200 ReLU units and the one-hot class to 1000, "
      "joins them into a ReLU layer of 1200 and outputs the image; D maps the image to 240 maxout units (5 pieces) "
      "and the class to 50 (5 pieces), joins them into 240 maxout units of 4 pieces with dropout, and outputs "
      "real or fake for that class. Pick a class in the explorer, or show the grid one row per class. Here z is "
      "Gaussian (the paper's was uniform), with GAN's defaults otherwise (Adam, minimax G loss). Needs labelled "
      "data; cgan-conv is the convolutional variant.";
  f.paper = "M. Mirza, S. Osindero. Conditional Generative Adversarial Nets. arXiv:1411.1784, 2014";
  f.caps.conditional = true;
  f.create = [](const FamilyInfo& info, const FamilySetup& s) { return make_mlp_family(info, s, ClassUse::Input); };
  return f;
}

}  // namespace gan
