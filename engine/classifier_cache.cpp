#include "engine/classifier_cache.h"
#include "engine/message.h"
#include "engine/checkpoint_file.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>

#include "engine/files.h"
#include "engine/hash.h"
#include "engine/image.h"
#include "models/layers/state.h"

namespace gan {
namespace fs = std::filesystem;
namespace {

constexpr const char* kFormat = "gan-explorer-classifier";

struct Split {
  torch::Tensor train_x, train_y, test_x, test_y;
  std::string name;
};

Split split_for(const DatasetSpec& given) {
  const int r = FeatureClassifierImpl::kResolution;
  DatasetSpec spec = all_classes(given);  // the classifier knows every class of the data
  spec.split = "train";
  Split s;
  if (auto test = test_split(spec)) {
    auto train = load_dataset(spec, r);
    auto held_out = load_dataset(*test, r);
    const BuiltinDataset* b = find_builtin(spec.source);
    s = {train->images(), train->labels(), held_out->images(), held_out->labels(), b ? b->title : spec.source};
  } else {
    auto data = load_dataset(spec, r);
    if (data->num_classes() < 2 || !data->labels().defined())
      throw std::runtime_error(data->description() +
                               " has no class labels, so the offline classifier extractor cannot be trained on it; "
                               "give an Inception file for metrics instead");
    auto idx = torch::arange(static_cast<int64_t>(data->size()), torch::kLong);
    auto is_test = idx.remainder(10).eq(9);
    auto test_idx = idx.masked_select(is_test), train_idx = idx.masked_select(is_test.logical_not());
    s = {data->images().index_select(0, train_idx), data->labels().index_select(0, train_idx),
         data->images().index_select(0, test_idx), data->labels().index_select(0, test_idx),
         fs::path(spec.source).filename().string()};
  }
  if (!s.train_y.defined() || s.train_x.size(0) < 2 || s.test_x.size(0) < 1)
    throw std::runtime_error("the classifier extractor needs labelled data with a test part");
  return s;
}

std::string data_key(const Split& s) {
  uint64_t h = kFnvOffset;
  for (const auto* t : {&s.train_x, &s.train_y, &s.test_x, &s.test_y}) {
    auto c = t->contiguous();
    h = fnv1a(c.data_ptr(), static_cast<size_t>(c.numel() * c.element_size()), h);
  }
  return hex64(h);
}

double accuracy(FeatureClassifier& net, const torch::Tensor& x, const torch::Tensor& y) {
  torch::NoGradGuard no_grad;
  net->eval();
  long long correct = 0;
  for (int64_t i = 0; i < x.size(0); i += 100) {
    const int64_t j = std::min<int64_t>(x.size(0), i + 100);
    auto pred = net->forward(from_uint8(x.slice(0, i, j))).logits.argmax(1);
    correct += pred.eq(y.slice(0, i, j)).sum().item<int64_t>();
  }
  return static_cast<double>(correct) / static_cast<double>(x.size(0));
}

}  // namespace


ClassifierResult classifier_for(const DatasetSpec& spec, const ClassifierOptions& options,
                                const std::function<void(const std::string&)>& progress,
                                const std::atomic<bool>* cancel) {
  auto say = [&](const std::string& m) { if (progress) progress(m); };
  Split data = split_for(spec);
  const std::string key = data_key(data);
  const int channels = static_cast<int>(data.train_x.size(1));
  const int classes = static_cast<int>(std::max(data.train_y.max().item<int64_t>(), data.test_y.max().item<int64_t>()) + 1);
  ClassifierResult result;
  result.path = cache_dir() + "/classifier-" + FeatureClassifierImpl::kVersion + "-" + key + ".pt";
  result.train_count = data.train_x.size(0);
  result.test_count = data.test_x.size(0);

  FeatureClassifier net(channels, classes);
  if (!options.retrain && fs::exists(result.path)) {
    try {
      torch::serialize::InputArchive a;
      load_archive_checked(a, read_file_bytes(result.path, "cached classifier"));
      c10::IValue format, acc;
      if (!a.try_read("format", format) || !format.isString() || format.toStringRef() != kFormat)
        throw std::runtime_error("not a classifier file");
      a.read("accuracy", acc);
      load_nested(a, "net", *net);
      result.from_cache = true;
      result.test_accuracy = acc.toDouble();
    } catch (const std::exception& e) {
      say("the cached classifier " + result.path + " is damaged (" + std::string(e.what()).substr(0, 120) +
          "); training a new one");
      net = FeatureClassifier(channels, classes);
    }
  }
  if (!result.from_cache) {
    const auto t0 = std::chrono::steady_clock::now();
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(options.lr));
    std::mt19937_64 rng(1);
    const long long n = data.train_x.size(0);
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (long long i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
      net->train();
      if (epoch == options.epochs - 1 && epoch > 0)
        for (auto& group : opt.param_groups())
          static_cast<torch::optim::AdamOptions&>(group.options()).lr(options.lr / 10);
      std::shuffle(order.begin(), order.end(), rng);
      auto perm = torch::tensor(order, torch::kLong);
      int last_tenth = -1;
      for (long long i = 0; i < n; i += options.batch) {
        if (cancel && cancel->load()) throw Cancelled();
        auto idx = perm.slice(0, i, std::min(n, i + options.batch));
        auto out = net->forward(from_uint8(data.train_x.index_select(0, idx)));
        auto loss = torch::nn::functional::cross_entropy(out.logits, data.train_y.index_select(0, idx));
        zero_gradients(opt);
        loss.backward();
        opt.step();
        const int tenth = static_cast<int>(10 * i / n);
        if (tenth != last_tenth) {
          last_tenth = tenth;
          Progress p;
          p.what = "training the metric classifier on " + data.name + ", once (epoch " + std::to_string(epoch + 1) +
                   " of " + std::to_string(options.epochs) + ")";
          p.fraction = (epoch + double(i) / double(n)) / options.epochs;
          const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          if (p.fraction > 0.02) p.seconds_left = elapsed * (1 - p.fraction) / p.fraction;
          say(progress_line(p));
        }
      }
    }
    result.test_accuracy = accuracy(net, data.test_x, data.test_y);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    torch::serialize::OutputArchive a;
    a.write("format", c10::IValue(std::string(kFormat)));
    a.write("version", c10::IValue(std::string(FeatureClassifierImpl::kVersion)));
    a.write("data_key", c10::IValue(key));
    a.write("accuracy", c10::IValue(result.test_accuracy));
    a.write("train_count", c10::IValue(static_cast<int64_t>(result.train_count)));
    a.write("test_count", c10::IValue(static_cast<int64_t>(result.test_count)));
    save_nested(a, "net", *net);
    write_bytes_atomically(result.path, archive_bytes(a));
    char msg[200];
    std::snprintf(msg, sizeof msg, "metric classifier trained in %.0f s: test accuracy %.1f%% on %lld images",
                  result.seconds, 100 * result.test_accuracy, result.test_count);
    say(msg);
  }
  result.extractor = std::make_shared<ClassifierExtractor>(net, key, data.name, result.test_accuracy);
  return result;
}

}  // namespace gan
