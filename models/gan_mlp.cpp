#include "models/gan_mlp.h"

#include <cmath>

#include "models/adversarial.h"

namespace gan {
using namespace torch::nn;

MlpGeneratorImpl::MlpGeneratorImpl(const MlpOptions& o) : options(o) {
  net->push_back(Linear(o.latent_dim, o.g_hidden));
  net->push_back(ReLU(ReLUOptions(true)));
  net->push_back(Linear(o.g_hidden, o.g_hidden));
  net->push_back(ReLU(ReLUOptions(true)));
  net->push_back(Linear(o.g_hidden, static_cast<long long>(o.channels) * o.resolution * o.resolution));
  net->push_back(Tanh());
  register_module("net", net);
}

torch::Tensor MlpGeneratorImpl::forward(const torch::Tensor& z) {
  return net->forward(z).view({z.size(0), options.channels, options.resolution, options.resolution});
}

MaxoutImpl::MaxoutImpl(long long in, long long units, int pieces) : units(units), pieces(pieces) {
  linear = register_module("linear", Linear(in, units * pieces));
}

torch::Tensor MaxoutImpl::forward(const torch::Tensor& x) {
  return std::get<0>(linear->forward(x).view({x.size(0), units, pieces}).max(2));
}

MlpDiscriminatorImpl::MlpDiscriminatorImpl(const MlpOptions& o) {
  net->push_back(Flatten());
  net->push_back(Dropout(0.2));
  net->push_back(Maxout(static_cast<long long>(o.channels) * o.resolution * o.resolution, o.d_hidden, o.pieces));
  net->push_back(Dropout(0.5));
  net->push_back(Maxout(o.d_hidden, o.d_hidden, o.pieces));
  net->push_back(Dropout(0.5));
  net->push_back(Linear(o.d_hidden, 1));
  register_module("net", net);
}

torch::Tensor MlpDiscriminatorImpl::forward(const torch::Tensor& x) { return net->forward(x).view({-1}); }

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
  f.params = {
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
      {"g_hidden", "G width", "Units in each of G's two ReLU layers", ParamType::Int, 8, 8192, "1200", {}, false},
      {"d_hidden", "D width", "Maxout units in each of D's two layers", ParamType::Int, 4, 4096, "240", {}, false},
      {"pieces", "Maxout pieces", "Linear pieces per maxout unit", ParamType::Int, 1, 16, "5", {}, false},
  };
  for (auto& p : technique_params(/*log_loss=*/true)) f.params.push_back(p);
  for (auto& p : shared_params(100)) f.params.push_back(p);
  f.resolution = [](const ParamSet& p) { return static_cast<int>(p.integer("resolution")); };
  f.create = [](const FamilyInfo& info, const FamilySetup& s) -> std::unique_ptr<Family> {
    MlpOptions o;
    o.latent_dim = s.params.integer("latent_dim");
    o.resolution = static_cast<int>(s.params.integer("resolution"));
    o.channels = s.image_channels;
    o.g_hidden = s.params.integer("g_hidden");
    o.d_hidden = s.params.integer("d_hidden");
    o.pieces = static_cast<int>(s.params.integer("pieces"));
    MlpGenerator g(o);
    MlpDiscriminator d(o);
    auto init = make_cpu_generator(static_cast<unsigned long long>(s.params.integer("seed")) + 1);
    seeded_linear_init(*g, init);
    seeded_linear_init(*d, init);
    const auto recipe =
        s.params.text("g_loss") == "minimax" ? AdversarialRecipe::Minimax : AdversarialRecipe::NonSaturating;
    return std::make_unique<adversarial_detail::AdversarialFamily<MlpGenerator, MlpDiscriminator>>(info, s, recipe,
                                                                                                   g, d);
  };
  return f;
}

}  // namespace gan
