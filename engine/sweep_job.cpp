#include "engine/sweep_job.h"

#include "engine/threads.h"

namespace gan {

SweepJob::SweepJob(SweepJobSpec spec, SweepJobCallbacks callbacks) : spec_(std::move(spec)), cb_(std::move(callbacks)) {
  thread_ = std::thread([this] { run(); });
}

SweepJob::~SweepJob() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

void SweepJob::run() {
  init_torch_thread(ThreadRole::Background);
  std::vector<SweepPoint> points;
  Sweep sweep;
  long long step = 0;
  std::string error;
  auto check = [this] {
    if (cancel_) throw Cancelled();
  };
  auto say = [&](const std::string& m) {
    check();
    if (cb_.progress) cb_.progress(m);
  };
  try {
    say("copying the generator");
    Frozen g = spec_.open();
    if (!g.snapshot) throw std::runtime_error("the run ended before its generator could be copied");
    check();
    step = g.step;
    if (!g.info.caps.noise_metrics) throw std::invalid_argument(g.info.name + " draws no samples from noise to measure");
    sweep = parse_sweep(spec_.values, g.info);
    if (spec_.n < 10) throw std::invalid_argument("at least 10 samples at each value (IS uses 10 splits)");
    if (cb_.started) cb_.started(sweep);
    auto extractor = make_extractor(spec_.inception, spec_.reference, say, &cancel_);
    say("reading " + label(spec_.reference));
    LoadOptions load;
    load.cancel = &cancel_;
    auto real = load_dataset(spec_.reference, g.resolution, load);
    MetricEvaluator evaluator(extractor, real->images(), label(spec_.reference), say, &cancel_);
    sweep_metrics(*g.snapshot, g.info.caps, evaluator, sweep, spec_.n, step, say, [&](const SweepPoint& p) {
      points.push_back(p);
      if (cb_.point) cb_.point(p);
    });
  } catch (const Cancelled&) {
    error = "cancelled";
  } catch (const std::exception& e) {
    error = e.what();
    if (cancel_) error = "cancelled";
  }
  nlohmann::json j = to_json(sweep, points);
  j["step"] = step;
  finished_ = true;
  if (cb_.done) cb_.done(error, j.dump(2));
}

}  // namespace gan
