#include "engine/config.h"

#include <cmath>
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
  json data = json::object();
  for (const auto& [name, spec] : c.data) {
    json d = {{"source", spec.source}, {"split", spec.split}};
    if (!spec.classes.empty()) d["classes"] = spec.classes;
    data[name] = d;
  }
  json j{{"model", c.model},
              {"params", params},
              {"data", data},
              {"steps", c.steps},
              {"log_every", c.log_every},
              {"sample_every", c.sample_every},
              {"checkpoint_every", c.checkpoint_every},
              {"metrics",
               {{"every", c.metrics.every},
                {"samples", c.metrics.samples},
                {"swd_samples", c.metrics.swd_samples},
                {"inception", c.metrics.inception}}},
              {"accuracy", {{"every", c.accuracy.every}, {"samples", c.accuracy.samples}}},
              {"out_dir", c.out_dir},
              {"image_channels", c.image_channels},
              {"num_classes", c.num_classes},
              {"class_names", c.class_names}};
  // Written only when on, so that configs and checkpoints without it stay as they were (a build from
  // before it refuses the key: it cannot continue a run that synchronised batch norm).
  if (c.sync_batch_norm) j["sync_batch_norm"] = true;
  if (c.attributes) j["attributes"] = true;  // likewise
  if (!c.class_groups.empty()) j["class_groups"] = c.class_groups;
  j["model_revision"] = c.revision;
  return j;
}

// A whole number from a JSON value: 3.0 is 3; 3.9, "3", true and numbers past 2^53 are refused.
static long long whole(const json& v, const std::string& what) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(kMaxCount) * 1000)
      throw std::invalid_argument(what + " is too large: " + v.dump());
    return v.get<long long>();
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740992.0) return static_cast<long long>(d);
    throw std::invalid_argument(what + " must be a whole number, not " + v.dump());
  }
  throw std::invalid_argument(what + " must be a whole number, not " + v.dump());
}

static long long whole_or(const json& j, const char* key, long long def, const std::string& where = "") {
  return j.contains(key) ? whole(j.at(key), where + key) : def;
}

static std::string text_or(const json& j, const char* key, const std::string& def) {
  if (!j.contains(key)) return def;
  if (!j.at(key).is_string()) throw std::invalid_argument(std::string(key) + " must be text, not " + j.at(key).dump());
  return j.at(key).get<std::string>();
}

TrainConfig config_from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("a config must be a JSON object");
  static const std::set<std::string> keys = {"model", "params", "data", "steps", "log_every", "sample_every",
                                             "checkpoint_every", "metrics", "accuracy", "out_dir", "image_channels", "num_classes",
                                             "class_names", "sync_batch_norm", "model_revision", "attributes",
                                             "class_groups"};
  for (const auto& item : j.items())
    if (!keys.count(item.key())) throw std::invalid_argument("unknown config key '" + item.key() + "'");
  TrainConfig c;
  try {
    c.model = text_or(j, "model", c.model);
    if (j.contains("params")) {
      for (const auto& item : j.at("params").items()) {
        const auto& v = item.value();
        if (v.is_string()) c.params.set(item.key(), v.get<std::string>());
        else if (v.is_number()) c.params.set(item.key(), format_number(v.get<double>()));
        else throw std::invalid_argument("hyper-parameter '" + item.key() + "' must be a number or a string");
      }
    }
    if (j.contains("data")) {
      // "data": "SOURCE[:CLASS]", or {"source", "split", "classes"} (one stream, "images"; as configs and
      // checkpoints before streams were named), or {"STREAM": "SOURCE" or {"source", ...}, ...}.
      auto spec_of = [](const json& d) {
        if (d.is_string()) return parse_dataset(d.get<std::string>());
        if (!d.is_object()) throw std::invalid_argument("a dataset must be a string or {source, split, classes}");
        for (const auto& item : d.items())
          if (item.key() != "source" && item.key() != "split" && item.key() != "classes")
            throw std::invalid_argument("unknown dataset key '" + item.key() + "'");
        DatasetSpec s;
        s.source = d.value("source", s.source);
        s.split = d.value("split", s.split);
        s.classes = d.value("classes", std::vector<std::string>{});
        return s;
      };
      const auto& d = j.at("data");
      if (d.is_string() || (d.is_object() && (d.contains("source") || d.contains("split")))) {
        c.data["images"] = spec_of(d);
      } else if (d.is_object()) {
        for (const auto& item : d.items()) c.data[item.key()] = spec_of(item.value());
      } else {
        throw std::invalid_argument("'data' must be a dataset or an object of datasets by stream");
      }
    }
    c.steps = whole_or(j, "steps", c.steps);
    c.log_every = whole_or(j, "log_every", c.log_every);
    c.sample_every = whole_or(j, "sample_every", c.sample_every);
    c.checkpoint_every = whole_or(j, "checkpoint_every", c.checkpoint_every);
    if (j.contains("metrics")) {
      const auto& m = j.at("metrics");
      if (!m.is_object()) throw std::invalid_argument("'metrics' must be an object {every, samples, swd_samples, inception}");
      for (const auto& item : m.items())
        if (item.key() != "every" && item.key() != "samples" && item.key() != "swd_samples" && item.key() != "inception")
          throw std::invalid_argument("unknown metrics key '" + item.key() + "'");
      c.metrics.every = whole_or(m, "every", c.metrics.every, "metrics ");
      c.metrics.samples = whole_or(m, "samples", c.metrics.samples, "metrics ");
      c.metrics.swd_samples = whole_or(m, "swd_samples", c.metrics.swd_samples, "metrics ");
      c.metrics.inception = text_or(m, "inception", c.metrics.inception);
    }
    if (j.contains("accuracy")) {
      const auto& a = j.at("accuracy");
      if (!a.is_object()) throw std::invalid_argument("'accuracy' must be an object {every, samples}");
      for (const auto& item : a.items())
        if (item.key() != "every" && item.key() != "samples")
          throw std::invalid_argument("unknown accuracy key '" + item.key() + "'");
      c.accuracy.every = whole_or(a, "every", c.accuracy.every, "accuracy ");
      c.accuracy.samples = whole_or(a, "samples", c.accuracy.samples, "accuracy ");
    }
    c.out_dir = text_or(j, "out_dir", c.out_dir);
    const long long channels = whole_or(j, "image_channels", 0), classes = whole_or(j, "num_classes", 0);
    if (channels < 0 || channels > 4) throw std::invalid_argument("image_channels must be 0 to 4, not " + std::to_string(channels));
    if (classes < 0 || classes > 100000) throw std::invalid_argument("num_classes must be 0 to 100000, not " + std::to_string(classes));
    c.image_channels = static_cast<int>(channels);
    c.num_classes = static_cast<int>(classes);
    c.class_names = j.value("class_names", std::vector<std::string>{});  // absent in older checkpoints
    if (j.contains("class_groups")) {
      const auto& g = j["class_groups"];
      long long sum = 0;
      if (!g.is_array()) throw std::invalid_argument("class_groups must be a list of class counts");
      for (const auto& k : g) {
        if (!k.is_number_integer() || k.get<long long>() < 1 || k.get<long long>() > 100000)
          throw std::invalid_argument("class_groups must be a list of class counts, not " + g.dump());
        c.class_groups.push_back(k.get<int>());
        sum += k.get<long long>();
      }
      if (sum != c.num_classes) throw std::invalid_argument("class_groups do not add up to num_classes");
    }
    if (j.contains("attributes")) {
      if (!j["attributes"].is_boolean()) throw std::invalid_argument("attributes must be true or false");
      c.attributes = j["attributes"].get<bool>();
    }
    c.revision = static_cast<int>(whole_or(j, "model_revision", kModelRevision));  // absent: a new run's config
    if (c.revision < 1 || c.revision > kModelRevision)
      throw std::invalid_argument("model_revision must be 1 to " + std::to_string(kModelRevision) + ", not " +
                                  std::to_string(c.revision) + " (a newer GAN Explorer wrote it?)");
    if (j.contains("sync_batch_norm")) {
      if (!j.at("sync_batch_norm").is_boolean())
        throw std::invalid_argument("sync_batch_norm must be true or false, not " + j.at("sync_batch_norm").dump());
      c.sync_batch_norm = j.at("sync_batch_norm").get<bool>();
    }
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
  out.params = c.params.validated(info.params, errors, c.revision);
  for (const auto& [name, spec] : c.data) {
    if (info.caps.streams.empty()) {
      errors.push_back(info.name + " takes no data: it trains on " + info.caps.own_data);
    } else if (!info.caps.find_stream(name)) {
      std::string streams;
      for (const auto& st : info.caps.streams) streams += (streams.empty() ? "" : ", ") + st.name;
      errors.push_back(info.name + " has no data stream '" + name + "' (its streams: " + streams + ")");
    }
    if (spec.source.empty()) errors.push_back("no data given for " + name);
  }
  out.data = data_for_streams(info.caps, c.data);
  const std::string most = std::to_string(kMaxCount);
  auto count = [&](const char* what, long long v, long long lo) {
    if (v < lo || v > kMaxCount)
      errors.push_back(std::string(what) + " must be between " + std::to_string(lo) + " and " + most + ", not " +
                       std::to_string(v));
  };
  count("steps", c.steps, 1);
  count("log_every", c.log_every, 1);
  count("sample_every", c.sample_every, 1);
  count("checkpoint_every", c.checkpoint_every, 1);
  if (c.metrics.every < 0) errors.push_back("metrics every must be 0 (off) or a number of steps");
  if (c.metrics.every > kMaxCount) errors.push_back("metrics every must be at most " + most);
  if (c.metrics.samples > 10000000) errors.push_back("metrics samples must be at most 10000000");
  if (c.accuracy.every > kMaxCount) errors.push_back("accuracy every must be at most " + most);
  if (c.accuracy.samples > kMaxCount) errors.push_back("accuracy samples must be at most " + most);
  if (c.metrics.every > 0 && c.metrics.samples < 10)
    errors.push_back("metrics need at least 10 generated samples (IS uses 10 splits)");
  if (c.metrics.swd_samples < 0) errors.push_back("metrics swd_samples must be 0 (off) or a number of images");
  if (c.metrics.swd_samples > c.metrics.samples)
    errors.push_back("metrics swd_samples (" + std::to_string(c.metrics.swd_samples) +
                     ") cannot be more than the generated samples (" + std::to_string(c.metrics.samples) + ")");
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

DataSpecs data_for_streams(const Capabilities& caps, const DataSpecs& given) {
  DataSpecs out;
  for (const auto& st : caps.streams) {
    auto it = given.find(st.name);
    if (it == given.end() && st.extra_domains) continue;  // optional: none unless given
    out[st.name] = it != given.end() ? it->second : parse_dataset(st.default_data);
  }
  return out;
}

}  // namespace gan
