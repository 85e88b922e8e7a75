#include "engine/config.h"

#include <fstream>
#include <set>
#include <stdexcept>

namespace gan {
using nlohmann::json;

json to_json(const TrainConfig& c) {
  // Numbers are written as numbers; reading them back gives the same text (format_number).
  json params = json::object();
  for (const auto& [name, value] : c.params.values()) {
    double v = 0;
    params[name] = parse_number(value, v) ? json(v) : json(value);
  }
  return json{{"model", c.model},
              {"params", params},
              {"data", {{"source", c.data.source}, {"split", c.data.split}}},
              {"steps", c.steps},
              {"log_every", c.log_every},
              {"sample_every", c.sample_every},
              {"checkpoint_every", c.checkpoint_every},
              {"metrics", {{"every", c.metrics.every}, {"samples", c.metrics.samples}, {"inception", c.metrics.inception}}},
              {"accuracy", {{"every", c.accuracy.every}, {"samples", c.accuracy.samples}}},
              {"out_dir", c.out_dir},
              {"image_channels", c.image_channels},
              {"num_classes", c.num_classes},
              {"class_names", c.class_names}};
}

TrainConfig config_from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("a config must be a JSON object");
  static const std::set<std::string> keys = {"model", "params", "data", "steps", "log_every", "sample_every",
                                             "checkpoint_every", "metrics", "accuracy", "out_dir", "image_channels", "num_classes",
                                             "class_names"};
  for (const auto& item : j.items())
    if (!keys.count(item.key())) throw std::invalid_argument("unknown config key '" + item.key() + "'");
  TrainConfig c;
  try {
    c.model = j.value("model", c.model);
    if (j.contains("params")) {
      for (const auto& item : j.at("params").items()) {
        const auto& v = item.value();
        if (v.is_string()) c.params.set(item.key(), v.get<std::string>());
        else if (v.is_number()) c.params.set(item.key(), format_number(v.get<double>()));
        else throw std::invalid_argument("hyper-parameter '" + item.key() + "' must be a number or a string");
      }
    }
    if (j.contains("data")) {
      const auto& d = j.at("data");
      if (d.is_string()) c.data.source = d.get<std::string>();
      else {
        c.data.source = d.value("source", c.data.source);
        c.data.split = d.value("split", c.data.split);
      }
    }
    c.steps = j.value("steps", c.steps);
    c.log_every = j.value("log_every", c.log_every);
    c.sample_every = j.value("sample_every", c.sample_every);
    c.checkpoint_every = j.value("checkpoint_every", c.checkpoint_every);
    if (j.contains("metrics")) {
      const auto& m = j.at("metrics");
      if (!m.is_object()) throw std::invalid_argument("'metrics' must be an object {every, samples, inception}");
      for (const auto& item : m.items())
        if (item.key() != "every" && item.key() != "samples" && item.key() != "inception")
          throw std::invalid_argument("unknown metrics key '" + item.key() + "'");
      c.metrics.every = m.value("every", c.metrics.every);
      c.metrics.samples = m.value("samples", c.metrics.samples);
      c.metrics.inception = m.value("inception", c.metrics.inception);
    }
    if (j.contains("accuracy")) {
      const auto& a = j.at("accuracy");
      if (!a.is_object()) throw std::invalid_argument("'accuracy' must be an object {every, samples}");
      for (const auto& item : a.items())
        if (item.key() != "every" && item.key() != "samples")
          throw std::invalid_argument("unknown accuracy key '" + item.key() + "'");
      c.accuracy.every = a.value("every", c.accuracy.every);
      c.accuracy.samples = a.value("samples", c.accuracy.samples);
    }
    c.out_dir = j.value("out_dir", c.out_dir);
    c.image_channels = j.value("image_channels", 0);
    c.num_classes = j.value("num_classes", 0);
    c.class_names = j.value("class_names", std::vector<std::string>{});  // absent in older checkpoints
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("malformed config: ") + e.what());
  }
  return c;
}

TrainConfig load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot open config file " + path);
  json j;
  try {
    in >> j;
  } catch (const json::exception& e) {
    throw std::invalid_argument(path + " is not valid JSON: " + e.what());
  }
  return config_from_json(j);
}

TrainConfig validate(const TrainConfig& c, const Registry& registry) {
  const FamilyInfo& info = registry.at(c.model);
  std::vector<std::string> errors;
  TrainConfig out = c;
  out.params = c.params.validated(info.params, errors);
  if (c.steps < 1) errors.push_back("steps must be at least 1");
  if (c.log_every < 1) errors.push_back("log_every must be at least 1");
  if (c.sample_every < 1) errors.push_back("sample_every must be at least 1");
  if (c.checkpoint_every < 1) errors.push_back("checkpoint_every must be at least 1");
  if (c.metrics.every < 0) errors.push_back("metrics every must be 0 (off) or a number of steps");
  if (c.metrics.every > 0 && c.metrics.samples < 10)
    errors.push_back("metrics need at least 10 generated samples (IS uses 10 splits)");
  if (c.accuracy.every < 0) errors.push_back("accuracy every must be 0 (off) or a number of steps");
  if (c.accuracy.samples < 0) errors.push_back("accuracy samples must be 0 (the whole test set) or more");
  if (errors.empty() && info.check)
    for (auto& e : info.check(out.params)) errors.push_back(e);
  if (!errors.empty()) {
    std::string msg = "invalid settings for " + info.name + ":";
    for (const auto& e : errors) msg += "\n  - " + e;
    throw std::invalid_argument(msg);
  }
  return out;
}

}  // namespace gan
