#include "engine/bench.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <sstream>

#include "engine/classifier_cache.h"
#include "engine/explorer.h"
#include "engine/metric_eval.h"
#include "engine/threads.h"
#include "engine/trainer.h"

namespace gan {

double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = p * (v.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

static std::string run_command(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    status = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  status = ::pclose(p);
  return out;
}

BenchReport run_bench(const BenchOptions& o, const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  init_torch_thread();
  BenchReport r;
  r.threads = torch_threads();
  r.blas_threads = blas_threads();
  Registry registry = Registry::builtin();
  TrainConfig c;
  c.model = "dcgan";
  c.params.set("batch", std::to_string(o.batch));
  c.data["images"] = parse_dataset(o.data);
  c.steps = 1000000;
  c = validate(c, registry);
  say("loading " + o.data);
  auto data = load_dataset(c.data.at("images"), registry.at(c.model).resolution(c.params));
  Trainer trainer(registry, c, data);
  say("DCGAN training steps at batch " + std::to_string(o.batch));
  std::vector<double> ms;
  for (int i = 0; i < o.warmup_steps + o.train_steps; ++i) {
    const auto s = trainer.step();
    if (i >= o.warmup_steps) ms.push_back(s.step_ms);
  }
  r.train_median_ms = median(ms);
  r.train_p95_ms = percentile(ms, 0.95);

  say("render latency, " + std::to_string(o.render_requests) + " requests");
  std::mutex m;
  std::condition_variable cv;
  std::uint64_t done = 0;
  Explorer explorer([&](const RenderResult& res) {
    std::lock_guard<std::mutex> lock(m);
    done = res.stamp;
    cv.notify_all();
  });
  explorer.set_snapshot(trainer.family().snapshot(), trainer.step_count());
  auto timed = [&](const RenderRequest& req) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto stamp = explorer.request(req);
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return done >= stamp; });
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  };
  std::vector<double> lat;
  for (int i = 0; i < o.render_requests; ++i) {
    RenderRequest req;
    req.panel = "latent";
    req.explore.view = "latent";
    req.explore.values.set("t", std::to_string(static_cast<double>(i % 100) / 99.0));
    if (i % 2 == 0) req.explore.values.set("truncation", "1.5");
    lat.push_back(timed(req));
  }
  r.render_median_ms = median(lat);
  r.render_p95_ms = percentile(lat, 0.95);
  std::vector<double> grid;
  for (int i = 0; i < 10; ++i) {
    RenderRequest req;
    req.panel = "grid";
    req.kind = RenderRequest::Kind::Samples;
    grid.push_back(timed(req));
  }
  r.grid_median_ms = median(grid);

  if (o.fid_samples > 0) {
    try {
      say("FID-" + std::to_string(o.fid_samples) + " with the dataset classifier");
      const auto t0 = std::chrono::steady_clock::now();
      auto classifier = classifier_for(c.data.at("images"), {}, say);
      MetricEvaluator evaluator(classifier.extractor, data->images(), label(c.data.at("images")), say);
      r.classifier_cached = classifier.from_cache && evaluator.reference_from_cache();
      r.classifier_setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      // Timed: generating the images, their features, and the statistics (what a user waits for).
      const auto t1 = std::chrono::steady_clock::now();
      auto fake = metric_samples(trainer.family(), o.fid_samples).images;
      const auto t2 = std::chrono::steady_clock::now();
      auto feats = extract_all(evaluator.extractor(), fake).features;
      const auto t3 = std::chrono::steady_clock::now();
      r.fid_value = evaluator.fid_of_features(feats);
      const auto t4 = std::chrono::steady_clock::now();
      r.fid_samples = o.fid_samples;
      r.fid_generate_s = std::chrono::duration<double>(t2 - t1).count();
      r.fid_extract_s = std::chrono::duration<double>(t3 - t2).count();
      r.fid_total_s = std::chrono::duration<double>(t4 - t1).count();
    } catch (const std::exception& e) {
      r.fid_error = e.what();
    }
  }

  if (o.python) {
    const std::string script = o.python_script.empty() ? GAN_BENCH_SCRIPT : o.python_script;
    if (!std::filesystem::exists(script)) {
      r.python_error = "the Python script was not found: " + script;
    } else {
      say("the same DCGAN in PyTorch (" + o.python_exe + ")");
      int status = 0;
      const std::string out = run_command(o.python_exe + " '" + script + "' --batch " + std::to_string(o.batch) +
                                              " --steps " + std::to_string(o.train_steps) + " --warmup " +
                                              std::to_string(o.warmup_steps) + " 2>&1",
                                          status);
      try {
        auto j = nlohmann::json::parse(out.substr(out.rfind('{')));
        r.python_median_ms = j.at("median_ms").get<double>();
        r.python_p95_ms = j.at("p95_ms").get<double>();
        r.python_threads = j.at("threads").get<int>();
        r.python_ran = status == 0;
      } catch (const std::exception&) {
        r.python_error = "the Python benchmark failed: " + out.substr(0, 400);
      }
    }
  }
  return r;
}

std::string BenchReport::text() const {
  std::ostringstream s;
  char line[256];
  std::snprintf(line, sizeof line, "threads: LibTorch intra-op %d, OpenBLAS %d\n", threads, blas_threads);
  s << line;
  std::snprintf(line, sizeof line, "DCGAN train step, batch 64 (C++)   median %.1f ms, p95 %.1f ms = %.2f steps/s\n",
                train_median_ms, train_p95_ms, 1000.0 / train_median_ms);
  s << line;
  if (python_ran) {
    std::snprintf(line, sizeof line,
                  "DCGAN train step, batch 64 (Python) median %.1f ms, p95 %.1f ms = %.2f steps/s (%d threads)\n",
                  python_median_ms, python_p95_ms, 1000.0 / python_median_ms, python_threads);
    s << line;
    std::snprintf(line, sizeof line, "C++ speed relative to Python       %.2fx (Python median / C++ median)\n",
                  python_median_ms / train_median_ms);
    s << line;
  } else if (!python_error.empty()) {
    s << "Python comparison skipped: " << python_error << "\n";
  }
  std::snprintf(line, sizeof line, "latent -> 8-bit image, 1 image     median %.2f ms, p95 %.2f ms\n", render_median_ms,
                render_p95_ms);
  s << line;
  std::snprintf(line, sizeof line, "latent -> 8-bit grid, 64 images    median %.1f ms\n", grid_median_ms);
  s << line;
  if (fid_samples > 0) {
    std::snprintf(line, sizeof line,
                  "FID-%lld, classifier features      %.1f s (generate %.1f s, features %.1f s, statistics %.2f s); "
                  "FID %.2f after these few steps\n",
                  fid_samples, fid_total_s, fid_generate_s, fid_extract_s, fid_total_s - fid_generate_s - fid_extract_s,
                  fid_value);
    s << line;
    std::snprintf(line, sizeof line, "  (classifier and reference features %s: %.1f s, once per dataset)\n",
                  classifier_cached ? "read from the cache" : "prepared", classifier_setup_s);
    s << line;
  } else if (!fid_error.empty()) {
    s << "FID skipped: " << fid_error << "\n";
  }
  return s.str();
}

}  // namespace gan
