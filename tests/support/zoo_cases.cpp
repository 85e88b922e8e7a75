#include "tests/support/zoo_cases.h"

#include "engine/hash.h"
#include "engine/metric_eval.h"
#include "engine/trainer.h"
#include "tests/support/test_util.h"

namespace zootest {
using nlohmann::json;

const std::vector<ZooCase>& cases() {
  static const std::vector<ZooCase> all = {
      {"gan", "gan", {{"g_hidden", "64"}, {"d_hidden", "32"}}},
      {"gan-techniques", "gan",
       {{"g_hidden", "64"}, {"d_hidden", "32"}, {"g_loss", "non-saturating"}, {"optimizer", "sgd"}, {"lr_g", "0.01"},
        {"lr_d", "0.01"}, {"label_smoothing", "0.1"}, {"mbd_kernels", "4"}, {"hist_avg", "0.01"}, {"d_steps", "2"}}},
      {"cgan", "cgan", {{"g_hidden", "64"}, {"d_hidden", "32"}}},
      {"dcgan", "dcgan", {}, false, true},
      {"dcgan-techniques", "dcgan",
       {{"ema", "0.9"}, {"instance_noise", "0.1"}, {"noise_anneal", "10"}, {"label_smoothing", "0.1"},
        {"g_objective", "feature-matching"}, {"init", "orthogonal"}, {"mbd_kernels", "4"}, {"g_norm", "virtual"},
        {"vbn_reference", "4"}, {"hist_avg", "0.001"}},
       false, true},
      {"cgan-conv", "cgan-conv", {}},
      {"cgan-conv-vbn", "cgan-conv", {{"g_norm", "virtual"}, {"vbn_reference", "6"}, {"ema", "0.5"}}},
      {"lsgan", "lsgan", {}},
      {"wgan", "wgan", {}},
      {"wgan-gp", "wgan-gp", {}},
      {"wgan-gp-no-norm", "wgan-gp", {{"critic_norm", "none"}, {"d_steps", "2"}}},
      {"sngan", "sngan", {{"mbd_kernels", "3"}}},
      {"sagan", "sagan", {{"attention_res", "8"}}},
      {"acgan", "acgan", {}, true},
      {"sgan", "sgan", {}, true, true},
  };
  return all;
}

std::shared_ptr<const gan::Dataset> data_for(const ZooCase&) { return testutil::labelled_dataset(40, 4, 16); }

static gan::TrainConfig config_for(const ZooCase& c, const std::string& tmp, int revision) {
  gan::TrainConfig config = testutil::tiny_config("mem", tmp + "/" + c.name, kSteps);
  config.model = c.model;
  config.revision = revision;
  config.log_every = 1000;
  if (c.model == "gan" || c.model == "cgan") config.params = gan::ParamSet();  // the MLPs have no ngf / ndf
  config.params.set("resolution", "16");
  config.params.set("latent_dim", "8");
  config.params.set("batch", "8");
  config.params.set("seed", "7");
  for (const auto& [k, v] : c.params) config.params.set(k, v);
  config.accuracy.every = c.accuracy ? 10 : 0;
  config.accuracy.samples = 0;
  return config;
}

std::unique_ptr<gan::Trainer> make_trainer(const gan::Registry& registry, const ZooCase& c, const std::string& tmp,
                                           int revision) {
  torch::manual_seed(0);  // the perceptrons' dropout drew from the global generator before revision 3
  auto data = data_for(c);
  auto t = std::make_unique<gan::Trainer>(registry, config_for(c, tmp, revision), data);
  if (c.accuracy) t->set_accuracy_data(data);
  return t;
}

json run_case(const gan::Registry& registry, const ZooCase& c, const std::string& tmp, int revision) {
  auto t = make_trainer(registry, c, tmp, revision);
  json steps = json::array();
  for (long long i = 0; i < kSteps; ++i) {
    json row = json::object();
    for (const auto& [k, v] : t->step().scalars) row[k] = v;
    steps.push_back(row);
  }
  auto samples = gan::metric_samples(t->family(), 16).images.contiguous();
  return {{"steps", steps},
          {"samples", gan::hex64(gan::fnv1a(samples.data_ptr(), static_cast<size_t>(samples.numel())))}};
}


}  // namespace zootest
