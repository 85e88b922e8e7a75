#include "engine/export.h"

#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/script.h>

#include <stdexcept>

#include "engine/files.h"
#include "models/core/random.h"
#include "models/families/image_gan.h"

namespace gan {

ExportInfo export_generator(Family& family, const std::string& path) {
  auto* gan = dynamic_cast<ImageGan*>(&family);
  if (!gan)
    throw std::invalid_argument(family.info().name + " cannot be exported: only generators that make images from a "
                                "latent (and a class) alone can");
  ExportInfo info;
  info.latent_dim = gan->generator().latent_dim();
  info.num_classes = gan->generator().num_classes();
  info.channels = gan->image_channels();
  info.resolution = gan->resolution();
  // Traced weights become constants of the graph, which must not require gradients: off while tracing.
  std::vector<torch::Tensor> frozen;
  for (torch::nn::Module* net : {static_cast<torch::nn::Module*>(&gan->generator()), gan->g_player().sampled().get()})
    for (auto& p : net->parameters())
      if (p.requires_grad()) {
        p.requires_grad_(false);
        frozen.push_back(p);
      }
  struct Restore {
    std::vector<torch::Tensor>& params;
    ~Restore() {
      for (auto& p : params) p.requires_grad_(true);
    }
  } restore{frozen};
  torch::Generator trial = make_cpu_generator(0);  // the latents traced and tried, not the global generator's
  torch::jit::Stack inputs{torch::randn({2, info.latent_dim}, trial, torch::kFloat)};
  if (info.num_classes > 0) inputs.emplace_back(torch::arange(2, torch::kLong));
  // The network samples come from (the EMA when there is one), in eval mode, on the CPU.
  auto* g = dynamic_cast<ImageGenerator*>(gan->g_player().sampled().get());
  if (!g) throw std::logic_error(family.info().name + ": its sampled network is not a generator");
  struct Back {  // the network as it was, whatever happens
    ImageGenerator* g;
    bool training;
    torch::Device device;
    ~Back() {
      g->train(training);
      g->to(device);
    }
  } back{g, g->is_training(), g->parameters().empty() ? torch::Device(torch::kCPU) : g->parameters().front().device()};
  std::vector<torch::Tensor> buffers;  // prepare_export may change them: put back after
  for (auto& b : g->buffers()) buffers.push_back(b.clone());
  struct PutBack {
    ImageGenerator* g;
    std::vector<torch::Tensor>& saved;
    ~PutBack() {
      torch::NoGradGuard no_grad;
      auto now = g->buffers();
      for (size_t i = 0; i < now.size() && i < saved.size(); ++i) now[i].copy_(saved[i]);
    }
  } put_back{g, buffers};
  g->eval();
  g->to(torch::kCPU);
  torch::Generator gen = make_cpu_generator(20190225);
  g->prepare_export(gen);
  auto traced = [&](torch::jit::Stack in) -> torch::jit::Stack {
    torch::Tensor labels = in.size() > 1 ? in[1].toTensor() : torch::Tensor();
    return {g->export_generate(in[0].toTensor(), labels)};
  };
  std::shared_ptr<torch::jit::tracer::TracingState> state;
  try {
    state = torch::jit::tracer::trace(
                std::move(inputs), traced, [](const torch::autograd::Variable&) { return std::string(); },
                /*strict=*/false, /*force_outplace=*/false)
                .first;
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw std::runtime_error(family.info().name + "'s generator could not be traced: " + what.substr(0, what.find('\n')));
  }
  torch::jit::Module module("GanExplorerGenerator");
  auto graph = state->graph;
  graph->insertInput(0, "self")->setType(module._ivalue()->type());
  auto fn = module._ivalue()->compilation_unit()->create_function(
      c10::QualifiedName(*module.type()->name(), "forward"), graph);
  module.type()->addMethod(fn);
  // The graph must take any number of latents: tried on 3 (it was traced on 2).
  try {
    std::vector<torch::jit::IValue> args{torch::randn({3, info.latent_dim}, trial, torch::kFloat)};
    if (info.num_classes > 0) args.emplace_back(torch::arange(3, torch::kLong).remainder(info.num_classes));
    const auto out = module.forward(args).toTensor();
    if (out.dim() != 4 || out.size(0) != 3) throw std::runtime_error("it returned the wrong number of images");
  } catch (const std::exception& e) {
    // The interpreter's own message ("RuntimeError: ...") is on a later line than its "operation failed".
    std::string what = e.what();
    const auto err = what.rfind("Error: ");
    if (err != std::string::npos) what = what.substr(what.rfind('\n', err) + 1);
    throw std::invalid_argument(family.info().name + "'s generator cannot be exported: its traced graph does not take "
                                "other batch sizes (" + what.substr(0, what.find('\n')) + ")");
  }
  write_file_atomically(path, [&](std::ostream& out) { module.save(out); });
  return info;
}

}  // namespace gan
