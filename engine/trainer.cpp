#include "engine/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <fstream>
#include <sstream>

#include "engine/checkpoint_file.h"
#include "engine/files.h"
#include "engine/image.h"
#include "models/core/random.h"

namespace gan {
using nlohmann::json;

static constexpr const char* kFormat = "gan-explorer-checkpoint";
// 2: the config records its model revision (older builds would refuse its key; they say 'newer' instead).
static constexpr int64_t kFormatVersion = 2;

// ---------------------------------------------------------------------------------------------
DataLoader::DataLoader(std::shared_ptr<const Dataset> data, unsigned long long seed, torch::Device device)
    : data_(std::move(data)), device_(device), rng_(seed) {
  reshuffle();
}

void DataLoader::reshuffle() {
  order_.resize(static_cast<size_t>(data_->size()));
  std::iota(order_.begin(), order_.end(), 0);
  std::shuffle(order_.begin(), order_.end(), rng_);
  cursor_ = 0;
}

Batch DataLoader::next(long long n) {
  if (n < 1) throw std::invalid_argument("a stream was asked for " + std::to_string(n) + " items");
  // In a data-parallel run every rank walks the same order through the batch of all ranks and keeps
  // its own share: rank r of W takes items r*n .. r*n + n - 1 of each W*n.
  Collective* c = active_collective();
  const long long world = c ? c->world() : 1, first = c ? c->rank() * n : 0;
  std::vector<int64_t> idx;
  idx.reserve(static_cast<size_t>(n));
  for (long long i = 0; i < n * world; ++i) {
    if (cursor_ >= static_cast<long long>(order_.size())) reshuffle();
    const int64_t item = order_[static_cast<size_t>(cursor_++)];
    if (i >= first && i < first + n) idx.push_back(item);
  }
  auto index = torch::from_blob(idx.data(), {n}, torch::kLong).clone();
  Batch b;
  b.images = from_uint8(data_->images().index_select(0, index).to(device_));
  if (data_->labels().defined()) b.labels = data_->labels().index_select(0, index).to(device_);
  return b;
}

void DataLoader::save(torch::serialize::OutputArchive& a) const {
  std::ostringstream rng;
  rng << rng_;
  a.write("loader_rng", c10::IValue(rng.str()));
  a.write("loader_cursor", c10::IValue(static_cast<int64_t>(cursor_)));
  a.write("loader_order", torch::tensor(order_, torch::kLong));
}

void DataLoader::load(torch::serialize::InputArchive& a) {
  c10::IValue rng, cursor;
  torch::Tensor order;
  a.read("loader_rng", rng);
  a.read("loader_cursor", cursor);
  a.read("loader_order", order);
  if (order.numel() != data_->size())
    throw std::runtime_error("the checkpoint was trained on a dataset of " + std::to_string(order.numel()) +
                             " images; this one has " + std::to_string(data_->size()));
  if (!rng.isString()) throw std::runtime_error("the checkpoint's data position is damaged");
  std::istringstream in(rng.toStringRef());
  in >> rng_;
  if (!in) throw std::runtime_error("the checkpoint's data shuffle state is damaged");
  if (!cursor.isInt() || cursor.toInt() < 0 || cursor.toInt() > data_->size() || order.scalar_type() != torch::kLong ||
      order.dim() != 1)
    throw std::runtime_error("the checkpoint's data position is damaged");
  order = order.contiguous();
  // The order must be a permutation of the images: anything else would index past them.
  auto seen = torch::zeros({data_->size()}, torch::kBool);
  if (order.numel() > 0 && (order.min().item<int64_t>() < 0 || order.max().item<int64_t>() >= data_->size()))
    throw std::runtime_error("the checkpoint's data order names images the dataset does not have");
  seen.index_fill_(0, order, true);
  if (!seen.all().item<bool>()) throw std::runtime_error("the checkpoint's data order is not a shuffle of the dataset");
  cursor_ = cursor.toInt();
  order_.assign(order.data_ptr<int64_t>(), order.data_ptr<int64_t>() + order.numel());
}

// The run's streams, one loader each. The first stream's loader state is stored as checkpoints held the
// single loader before streams were named; the others' under loader_NAME.
class Trainer::Loaders : public Streams {
 public:
  Loaders(const StreamDatasets& data, unsigned long long seed, torch::Device device) {
    // In name order (StreamDatasets is a map): the first, "images" or "A", is seeded as the one loader
    // of runs before streams were named.
    unsigned long long k = 0;
    for (const auto& [name, d] : data) {
      order_.push_back(name);
      loaders_.emplace(name, DataLoader(d, seed + 1000003ull * k++, device));
    }
  }
  Batch next(const std::string& stream, long long n) override {
    auto it = loaders_.find(stream);
    if (it == loaders_.end()) throw std::invalid_argument("this run has no data stream '" + stream + "'");
    return it->second.next(n);
  }
  void save(torch::serialize::OutputArchive& a) const {
    for (size_t i = 0; i < order_.size(); ++i) {
      if (i == 0) {
        loaders_.at(order_[i]).save(a);
        continue;
      }
      torch::serialize::OutputArchive sub;
      loaders_.at(order_[i]).save(sub);
      a.write("loader_" + order_[i], sub);
    }
  }
  void load(torch::serialize::InputArchive& a) {
    for (size_t i = 0; i < order_.size(); ++i) {
      if (i == 0) {
        loaders_.at(order_[i]).load(a);
        continue;
      }
      torch::serialize::InputArchive sub;
      if (!a.try_read("loader_" + order_[i], sub))
        throw std::runtime_error("the checkpoint has no data position for the stream " + order_[i]);
      loaders_.at(order_[i]).load(sub);
    }
  }

 private:
  std::vector<std::string> order_;
  std::map<std::string, DataLoader> loaders_;
};

// ---------------------------------------------------------------------------------------------
static torch::Device device_of(const ParamSet& p) {
  return p.text("device") == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

static FamilySetup setup_for(const TrainConfig& c) {
  FamilySetup s;
  s.params = c.params;
  s.image_channels = c.image_channels;
  s.num_classes = c.num_classes;
  s.class_names = c.class_names;
  s.attributes = c.attributes;
  s.class_groups = c.class_groups;
  s.device = device_of(c.params);
  s.revision = c.revision;
  return s;
}

// The streams a family cannot train without (all but the optional ones of more domains).
static size_t required_streams(const FamilyInfo& info) {
  return static_cast<size_t>(std::count_if(info.caps.streams.begin(), info.caps.streams.end(),
                                           [](const StreamSpec& s) { return !s.extra_domains; }));
}

// Brings the streams to one channel count (the largest) and checks that they are there.
static StreamDatasets prepared(StreamDatasets data, const FamilyInfo& info) {
  int channels = 0;
  for (const auto& st : info.caps.streams) {
    auto it = data.find(st.name);
    if (st.extra_domains && (it == data.end() || !it->second)) continue;  // optional
    if (it == data.end() || !it->second) throw std::invalid_argument(info.name + " needs data for " + st.label);
    if (it->second->attributes() && !st.takes_attributes)
      throw std::invalid_argument(info.name + " takes one class per image; " + it->second->description() +
                                  " gives each image several attributes (families that take attributes say so in "
                                  "`gan-explorer models`)");
    channels = std::max(channels, it->second->channels());
  }
  for (auto& [name, d] : data) d = with_channels(d, channels);
  for (const auto& st : info.caps.streams)
    if (st.present_classes_only && data.count(st.name)) data[st.name] = present_classes(data[st.name]);
  return data;
}

// With an extra_domains stream's data: its class names appended to `names` (the first stream's), and
// how many each stream brought; empty without one. Throws for data the mask vector cannot join.
static std::vector<int> join_extra_domains(const StreamDatasets& data, const FamilyInfo& info,
                                           std::vector<std::string>& names) {
  for (const auto& st : info.caps.streams) {
    if (!st.extra_domains || !data.count(st.name)) continue;
    const Dataset& first = *data.at(info.caps.streams.front().name);
    const Dataset& extra = *data.at(st.name);
    if (first.attributes() || extra.attributes() || first.num_classes() < 1 || extra.num_classes() < 1)
      throw std::invalid_argument(st.label + ": the mask vector joins two datasets with classes (class folders, a "
                                  "built-in set); " + (first.attributes() || extra.attributes()
                                                           ? std::string("attribute files are not joined this way yet")
                                                           : std::string("one of them has no classes")));
    for (const auto& n : extra.class_names()) {
      if (std::find(names.begin(), names.end(), n) != names.end())
        throw std::invalid_argument(st.label + ": the class '" + n + "' is in both datasets; the domains need "
                                    "different names");
    }
    const int k1 = static_cast<int>(names.size());
    names.insert(names.end(), extra.class_names().begin(), extra.class_names().end());
    return {k1, extra.num_classes()};
  }
  return {};
}

StreamDatasets load_streams(const TrainConfig& c, const Registry& registry, const LoadOptions& options) {
  const FamilyInfo& info = registry.at(c.model);
  const int res = info.resolution(c.params);
  StreamDatasets out;
  for (const auto& st : info.caps.streams) {
    auto it = c.data.find(st.name);
    if (it == c.data.end() && st.extra_domains) continue;  // optional
    if (it == c.data.end()) throw std::invalid_argument(info.name + " needs data for " + st.label);
    try {
      out[st.name] = load_dataset(it->second, res, options);
    } catch (const std::exception& e) {
      if (info.caps.streams.size() == 1) throw;
      throw std::runtime_error(st.label + ": " + e.what());
    }
  }
  return prepared(std::move(out), info);
}

void Trainer::start_streams(unsigned long long seed) {
  loaders_ = std::make_unique<Loaders>(data_, seed, device_of(config_.params));
}

void Trainer::attach() {
  std::map<std::string, StreamData> whole;
  for (const auto& [name, d] : data_) whole[name] = {d->images(), d->labels()};
  family_->attach_data(whole);
}

static std::string described(const StreamDatasets& data, const Capabilities& caps) {
  if (data.empty()) return caps.own_data;
  if (data.size() == 1) return data.begin()->second->description();
  std::string out;
  for (const auto& [name, d] : data) out += (out.empty() ? "" : "; ") + name + ": " + d->description();
  return out;
}

std::string Trainer::data_description() const { return described(data_, family_->info().caps); }

static StreamDatasets single(const Registry& registry, const std::string& model, std::shared_ptr<const Dataset> data) {
  const FamilyInfo& info = registry.at(model);
  if (required_streams(info) != 1)
    throw std::invalid_argument(info.name + " trains on " + std::to_string(info.caps.streams.size()) + " streams");
  return {{info.caps.streams.front().name, std::move(data)}};
}

Trainer::Trainer(const Registry& registry, TrainConfig config, std::shared_ptr<const Dataset> data)
    : Trainer(registry, config, single(registry, config.model, std::move(data))) {}

Trainer::Trainer(const Registry& registry, TrainConfig config, StreamDatasets data)
    : config_(validate(config, registry)) {
  const FamilyInfo& info = registry.at(config_.model);
  data_ = prepared(std::move(data), info);
  // The classes come from the first stream (a family without streams draws its own data).
  if (!info.caps.streams.empty()) {
    const Dataset& first = *data_.at(info.caps.streams.front().name);
    config_.image_channels = first.channels();
    config_.num_classes = first.num_classes();
    config_.class_names = first.class_names();
    config_.attributes = first.attributes();
    config_.class_groups = join_extra_domains(data_, info, config_.class_names);
    if (!config_.class_groups.empty()) config_.num_classes = static_cast<int>(config_.class_names.size());
  }
  family_ = create_family(info, setup_for(config_));
  if (info.caps.streams.empty()) config_.image_channels = family_->image_channels();
  for (const auto& [name, d] : data_)
    if (family_->resolution() != d->resolution())
      throw std::invalid_argument("the dataset was prepared at " + std::to_string(d->resolution()) +
                                  " px, the model needs " + std::to_string(family_->resolution()));
  const auto seed = static_cast<unsigned long long>(config_.params.integer("seed"));
  start_streams(seed);
  noise_ = make_cpu_generator(seed + 0x9e3779b97f4a7c15ull);
  attach();
}

Trainer::Trainer(Checkpoint ck, std::shared_ptr<const Dataset> data, long long steps)
    : Trainer(std::move(ck), StreamDatasets{{"", std::move(data)}}, steps) {}

Trainer::Trainer(Checkpoint ck, StreamDatasets data, long long steps)
    : config_(std::move(ck.config)),
      family_(std::move(ck.family)),
      noise_(make_cpu_generator(0)),
      step_(ck.step),
      history_(std::move(ck.history)),
      metrics_(std::move(ck.metrics)) {
  const FamilyInfo& info = family_->info();
  if (data.size() == 1 && data.begin()->first.empty() && required_streams(info) == 1)
    data = {{info.caps.streams.front().name, data.begin()->second}};  // the one-stream form
  data_ = prepared(std::move(data), info);
  for (const auto& [name, d] : data_) {
    if (d->channels() != config_.image_channels)
      throw std::runtime_error("the checkpoint's model makes " + std::to_string(config_.image_channels) +
                               "-channel images; the dataset has " + std::to_string(d->channels()));
    if (d->resolution() != family_->resolution())
      throw std::runtime_error("the dataset was prepared at the wrong resolution for this checkpoint");
    if (name == info.caps.streams.front().name && d->attributes() != config_.attributes)
      throw std::runtime_error(config_.attributes ? "the checkpoint's model was trained on attributes; the dataset has classes"
                                                  : "the checkpoint's model was trained on classes; the dataset has attributes");
  }
  if (!config_.class_groups.empty() || data_.size() > required_streams(info)) {  // an extra stream, then or now
    // Joined domains (the mask vector): the same two datasets' classes as the model was trained on.
    const size_t k1 = config_.class_groups.empty() ? config_.class_names.size()
                                                   : static_cast<size_t>(config_.class_groups.front());
    std::vector<std::string> names(config_.class_names.begin(),
                                   config_.class_names.begin() + std::min(k1, config_.class_names.size()));
    if (join_extra_domains(data_, info, names) != config_.class_groups || names != config_.class_names)
      throw std::runtime_error(config_.class_groups.empty()
                                   ? "the checkpoint's model was trained on one dataset; a second was given"
                                   : "the checkpoint's model was trained on other domains than these data have");
  }
  if (steps > 0) config_.steps = steps;
  start_streams(0);
  loaders_->load(*ck.archive);
  noise_.set_state(ck.noise_state);
  attach();
}

Trainer::~Trainer() = default;

// Every tensor of every player that training changes or reads: the networks' and EMAs' parameters and
// buffers (its optimizer's moments follow from the gradients, which are averaged).
static std::vector<torch::Tensor> player_state(const Family& f, bool buffers_only) {
  std::vector<torch::Tensor> out;
  for (const Player* p : f.players()) {
    std::vector<torch::nn::Module*> modules{&p->net()};
    if (p->ema()) modules.push_back(p->ema().get());
    for (auto* m : modules) {
      if (!buffers_only)
        for (const auto& t : m->parameters()) out.push_back(t);
      for (const auto& t : m->buffers())
        if (t.defined()) out.push_back(t);
    }
  }
  return out;
}

void Trainer::join(Collective& group) {
  collective_ = &group;
  // What draws from LibTorch's global generator (the MLPs' dropout) draws differently on each process:
  // every process starts from the same default seed, and equal masks on every share would be one mask.
  if (group.rank() > 0)
    torch::manual_seed(static_cast<uint64_t>(config_.params.integer("seed")) * 1000003ull + static_cast<uint64_t>(group.rank()));
  ParallelScope scope({collective_, config_.sync_batch_norm});
  broadcast_from_rank0(player_state(*family_, false));
}

Trainer::Agreement Trainer::agree(bool stop, bool pause) {
  if (!collective_ || collective_->world() < 2) return {stop, pause};
  std::vector<torch::Tensor> votes{torch::tensor({stop ? 1.0f : 0.0f, pause && collective_->rank() == 0 ? 1.0f : 0.0f})};
  collective_->all_reduce_sum(votes);
  return {votes[0][0].item<float>() > 0, votes[0][1].item<float>() > 0};
}

StepStats Trainer::step() {
  const auto t0 = std::chrono::steady_clock::now();
  Scalars scalars;
  {
    ParallelScope scope({collective_, config_.sync_batch_norm});
    // Buffers that are not averaged (batch-norm statistics without sync, the power iteration's vectors)
    // are rank 0's at every step, as DistributedDataParallel's broadcast_buffers does.
    if (collective_) broadcast_from_rank0(player_state(*family_, true));
    scalars = family_->train_step(*loaders_, noise_);
    if (collective_ && collective_->world() > 1 && !scalars.empty()) {
      std::vector<double> values;
      for (const auto& [name, v] : scalars) values.push_back(v);
      std::vector<torch::Tensor> sums{torch::tensor(values, torch::kDouble)};
      collective_->all_reduce_sum(sums);
      for (size_t i = 0; i < scalars.size(); ++i)
        scalars[i].second = sums[0][static_cast<int64_t>(i)].item<double>() / collective_->world();
    }
  }
  ++step_;
  StepStats s;
  s.step = step_;
  s.step_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  recent_ms_.push_back(s.step_ms);
  if (recent_ms_.size() > 20) recent_ms_.erase(recent_ms_.begin());
  s.steps_per_sec = 1000.0 * recent_ms_.size() / std::accumulate(recent_ms_.begin(), recent_ms_.end(), 0.0);
  s.scalars = std::move(scalars);
  for (const auto& [name, v] : s.scalars)
    if (!std::isfinite(v))
      throw NonFiniteLoss(step_, name + " became " + (std::isnan(v) ? "NaN" : "infinite") + " at step " +
                                     std::to_string(step_));
  const auto& acc = config_.accuracy;
  const bool measures = family_->info().caps.has_measures();
  s.measured = (accuracy_data_ || measures) && acc.every > 0 && (step_ % acc.every == 0 || finished());
  if (s.measured) {
    for (auto& item : measure_accuracy(acc.samples)) s.scalars.push_back(std::move(item));
    if (measures)
      for (auto& item : family_->measure()) s.scalars.push_back(std::move(item));
  }
  if (step_ % config_.log_every == 0 || step_ == 1 || s.measured) history_.push_back({s.step, s.scalars});
  return s;
}

void Trainer::set_accuracy_data(std::shared_ptr<const Dataset> data) {
  if (data && (!data->labels().defined() || data->num_classes() != config_.num_classes))
    throw std::invalid_argument("the accuracy data must have the training data's classes");
  accuracy_data_ = std::move(data);
  // A fixed, seeded order: the first `samples` of it are a random sample even of a folder sorted by class.
  if (accuracy_data_)
    accuracy_order_ = torch::randperm(accuracy_data_->size(),
                                      make_cpu_generator(static_cast<unsigned long long>(config_.params.integer("seed"))),
                                      torch::TensorOptions(torch::kLong));
}

Scalars Trainer::measure_accuracy(long long samples) {
  Scalars out;
  const auto names = family_->info().caps.classifiers();
  if (!accuracy_data_ || names.empty()) return out;
  const long long n = samples > 0 ? std::min<long long>(samples, accuracy_data_->size()) : accuracy_data_->size();
  std::vector<long long> correct(names.size(), 0);
  size_t produced = 0;  // a family may train fewer classifiers than it can (SGAN without its baseline)
  for (long long i = 0; i < n; i += 500) {
    const long long b = std::min<long long>(500, n - i);
    auto index = accuracy_order_.narrow(0, i, b);
    auto x = from_uint8(accuracy_data_->images().index_select(0, index));
    auto y = accuracy_data_->labels().index_select(0, index);
    auto logits = family_->classify(x);
    produced = std::max(produced, logits.size());
    for (size_t k = 0; k < logits.size() && k < names.size(); ++k)
      correct[k] += logits[k].argmax(1).eq(y).sum().item<int64_t>();
  }
  for (size_t k = 0; k < names.size() && k < produced; ++k)
    out.emplace_back(names[k], static_cast<double>(correct[k]) / static_cast<double>(std::max(1LL, n)));
  return out;
}

void Trainer::add_metric(const MetricPoint& p) {
  auto at = std::find_if(metrics_.begin(), metrics_.end(), [&](const MetricPoint& m) { return m.step >= p.step; });
  if (at != metrics_.end() && at->step == p.step) *at = p;
  else metrics_.insert(at, p);
}

static json history_to_json(const std::vector<HistoryPoint>& h) {
  json arr = json::array();
  for (const auto& p : h) {
    json row = {{"step", p.step}};
    for (const auto& [k, v] : p.scalars) row[k] = v;
    arr.push_back(row);
  }
  return arr;
}

static std::vector<HistoryPoint> history_from_json(const json& arr) {
  std::vector<HistoryPoint> h;
  for (const auto& row : arr) {
    HistoryPoint p;
    p.step = row.at("step").get<long long>();
    for (const auto& item : row.items())
      if (item.key() != "step") p.scalars.emplace_back(item.key(), item.value().get<double>());
    h.push_back(std::move(p));
  }
  return h;
}

void Trainer::save_checkpoint(const std::string& path) const {
  torch::serialize::OutputArchive a;
  a.write("format", c10::IValue(std::string(kFormat)));
  a.write("format_version", c10::IValue(kFormatVersion));
  a.write("config", c10::IValue(to_json(config_).dump()));
  a.write("step", c10::IValue(static_cast<int64_t>(step_)));
  a.write("history", c10::IValue(history_to_json(history_).dump()));
  json metrics = json::array();
  for (const auto& p : metrics_) metrics.push_back(to_json(p));
  a.write("metrics", c10::IValue(metrics.dump()));
  a.write("noise_state", noise_.get_state());
  loaders_->save(a);
  torch::serialize::OutputArchive model;
  family_->save(model);
  a.write("model", model);
  write_bytes_atomically(path, seal_checkpoint(archive_bytes(a)));
}

void rebuild_family(Checkpoint& ck, const Registry& registry) {
  FamilySetup s = setup_for(ck.config);
  if (s.device.is_cuda() && !torch::cuda::is_available()) {  // explore a GPU run on a CPU machine
    s.device = torch::kCPU;
    ck.config.params.set("device", "cpu");
  }
  auto family = create_family(registry.at(ck.config.model), s);
  torch::serialize::InputArchive model;
  if (!ck.archive->try_read("model", model)) throw std::runtime_error("it has no model weights");
  check_model_archive(model, *family);  // before a single tensor is copied
  family->load(model);
  check_optimizer_states(*family);
  ck.family = std::move(family);
}

std::unique_ptr<Trainer> continue_run(Checkpoint ck, const TrainConfig& config, const Registry& registry,
                                      const LoadOptions& options) {
  const bool rebuild = !(config.params == ck.config.params);
  ck.config = config;
  if (rebuild) rebuild_family(ck, registry);
  auto data = load_streams(ck.config, registry, options);
  return std::make_unique<Trainer>(std::move(ck), std::move(data));
}

Checkpoint read_checkpoint(const std::string& path, const Registry& registry, const std::string& expected_model) {
  if (path.empty()) throw std::runtime_error("no checkpoint file given");
  Checkpoint ck;
  ck.archive = std::make_shared<torch::serialize::InputArchive>();
  Unsealed file;
  try {
    file = unseal_checkpoint(read_file_bytes(path, "checkpoint"));
    load_archive_checked(*ck.archive, file.archive);  // on the CPU first, to be checked
    ck.legacy = file.legacy;
  } catch (const std::exception& e) {
    std::string why = e.what();
    why = why.substr(0, why.find('\n'));
    if (why.rfind("checkpoint not found", 0) == 0 || why.rfind("the checkpoint ", 0) == 0 ||
        why.rfind("cannot read", 0) == 0)
      throw std::runtime_error(why);
    throw std::runtime_error(path + " cannot be loaded: " + why);
  }
  c10::IValue format;
  if (!ck.archive->try_read("format", format) || !format.isString() || format.toStringRef() != kFormat)
    throw std::runtime_error(path + " is a LibTorch archive but not a GAN Explorer checkpoint");
  try {
    auto value = [&](const char* key) {
      c10::IValue v;
      if (!ck.archive->try_read(key, v)) throw std::runtime_error(std::string("it has no '") + key + "' (damaged?)");
      return v;
    };
    auto integer = [&](const char* key) {
      const c10::IValue v = value(key);
      if (!v.isInt()) throw std::runtime_error(std::string("its '") + key + "' is not a number (damaged?)");
      return v.toInt();
    };
    auto text = [&](const char* key) {
      const c10::IValue v = value(key);
      if (!v.isString()) throw std::runtime_error(std::string("its '") + key + "' is not text (damaged?)");
      return v.toStringRef();
    };
    const int64_t version = integer("format_version");
    if (version > kFormatVersion)
      throw std::runtime_error("it was written by a newer GAN Explorer (format " + std::to_string(version) + ")");
    if (!ck.archive->try_read("noise_state", ck.noise_state)) throw std::runtime_error("it has no noise state (damaged?)");
    const json config = json::parse(text("config"));
    ck.config = config_from_json(config);
    if (!config.contains("model_revision")) ck.config.revision = 1;  // written before revisions were recorded
    ck.step = integer("step");
    if (ck.step < 0) throw std::runtime_error("it says it is at step " + std::to_string(ck.step));
    const std::string history = text("history");
    ck.history = history_from_json(json::parse(history));
    c10::IValue metrics;
    if (ck.archive->try_read("metrics", metrics) && metrics.isString())
      for (const auto& row : json::parse(metrics.toStringRef())) ck.metrics.push_back(metric_point_from_json(row));
    if (!expected_model.empty() && ck.config.model != expected_model)
      throw std::runtime_error("it holds a " + ck.config.model + " model, not " + expected_model);
    if (!registry.find(ck.config.model))
      throw std::runtime_error("it holds a model of the family '" + ck.config.model + "', which this build does not have");
    ck.config = validate(ck.config, registry);
    // A CUDA run continues where it was saved, as LibTorch restores it, when this machine has CUDA
    // (elsewhere rebuild_family falls back to the CPU, which the archive is already on).
    if (ck.config.params.text("device") == "cuda" && torch::cuda::is_available()) {
      ck.archive = std::make_shared<torch::serialize::InputArchive>();
      load_archive_checked(*ck.archive, file.archive, c10::nullopt);
    }
    rebuild_family(ck, registry);
  } catch (const std::exception& e) {
    std::string why = e.what();
    throw std::runtime_error("cannot load " + path + ": " + why.substr(0, why.find("\nException raised from")));
  }
  return ck;
}

}  // namespace gan
