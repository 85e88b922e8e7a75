#include "engine/bench.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <tuple>
#include <thread>

#include <unistd.h>
#include <future>
#include <sstream>

#include "engine/classifier_cache.h"
#include "engine/distributed.h"
#include "engine/files.h"
#include "engine/explorer.h"
#include "engine/metric_worker.h"
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

namespace {

// OpenBLAS sgemm of two 1024 x 1024 matrices through LibTorch, in GFLOP/s (2 n^3 per product), on
// `threads` OpenBLAS threads (put back to one after).
double sgemm_gflops(int threads) {
  set_blas_threads(threads);
  const auto a = torch::randn({1024, 1024}), b = torch::randn({1024, 1024});
  auto c = torch::mm(a, b);
  int reps = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double s = 0;
  while (s < 0.6) {
    c = torch::mm(a, b);
    ++reps;
    s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  set_blas_threads(1);
  return 2.0 * 1024 * 1024 * 1024 * reps / s / 1e9;
}

// A line of /proc/self/status in MiB: "VmRSS" (resident now) or "VmHWM" (its peak).
// The JSON object a Python benchmark prints last (after whatever it printed before); throws when none.
nlohmann::json last_json_line(const std::string& out) {
  const auto at = out.rfind('{');
  if (at == std::string::npos) throw std::runtime_error("no JSON in the output");
  return nlohmann::json::parse(out.substr(at));
}

double status_mib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  return 0;
}
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }


// An explorer whose requests are timed from request to delivered result.
class TimedExplorer {
 public:
  TimedExplorer(std::shared_ptr<Snapshot> snapshot, long long step)
      : explorer_([this](const RenderResult& res) {
          std::lock_guard<std::mutex> lock(m_);
          done_ = res.stamp;
          cv_.notify_all();
        }) {
    explorer_.set_snapshot(std::move(snapshot), step);
  }
  double time(const RenderRequest& req) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto stamp = explorer_.request(req);
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return done_ >= stamp; });
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::uint64_t done_ = 0;
  Explorer explorer_;
};

}  // namespace

BenchReport run_bench(const BenchOptions& o, const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  // This thread starts the explorer, which must not inherit a training thread's lower priority; it
  // times the training steps itself at the training thread count.
  init_torch_thread(ThreadRole::Foreground);
  BenchReport r;
  r.thread_settings = thread_settings();
  r.threads = training_threads();
  r.cpus = available_cpus();
  r.blas_threads = blas_threads();
  say("OpenBLAS sgemm on 1 and " + std::to_string(r.cpus) + " thread(s)");
  r.sgemm1_gflops = sgemm_gflops(1);
  r.sgemm_all_gflops = sgemm_gflops(r.cpus);

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
  // One thread and the default in alternating blocks, so that both see the same machine.
  say("DCGAN training steps at batch " + std::to_string(o.batch) + ", 1 thread and " + std::to_string(r.threads) +
      " in turn");
  const std::vector<int> counts = r.threads == 1 ? std::vector<int>{1} : std::vector<int>{1, r.threads};
  std::map<int, std::vector<double>> step_ms;  // per thread count
  for (int i = 0; i < o.warmup_steps; ++i) trainer.step();
  const int block = 5;
  while (static_cast<int>(step_ms[r.threads].size()) < o.train_steps) {
    for (int t : counts) {
      at::set_num_threads(t);
      trainer.step();  // the first step after a switch warms the new thread count's pools
      for (int i = 0; i < block; ++i) step_ms[t].push_back(trainer.step().step_ms);
    }
  }
  at::set_num_threads(r.threads);
  const auto &one = step_ms[1], &dflt = step_ms[r.threads];
  r.train1_median_ms = median(one);
  r.train1_p95_ms = percentile(one, 0.95);
  r.train_median_ms = median(dflt);
  r.train_p95_ms = percentile(dflt, 0.95);

  say("render latency, " + std::to_string(o.render_requests) + " requests");
  TimedExplorer explorer(trainer.family().snapshot(), trainer.step_count());
  auto timed = [&](const RenderRequest& req) { return explorer.time(req); };
  auto latent_request = [](int i) {
    RenderRequest req;
    req.panel = "latent";
    req.explore.view = "latent";
    req.explore.values.set("t", std::to_string(static_cast<double>(i % 100) / 99.0));
    if (i % 2 == 0) req.explore.values.set("truncation", "1.5");
    return req;
  };
  std::vector<double> lat;
  for (int i = 0; i < o.render_requests; ++i) lat.push_back(timed(latent_request(i)));
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

  // A slider dragged while training runs: requests every 20 ms (a drag's pace) from this thread while
  // another thread trains, at one thread and at the default.
  std::map<int, std::pair<double, double>> while_training;  // thread count -> (median, p95)
  for (int t : counts) {
    say("render latency while training at " + std::to_string(t) + " thread(s)");
    std::atomic<bool> quit{false};
    std::thread train([&] {
      init_torch_thread();
      at::set_num_threads(t);
      while (!quit) trainer.step();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::vector<double> l;
    for (int i = 0; i < std::max(20, o.render_requests / 2); ++i) {
      l.push_back(timed(latent_request(i)));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    quit = true;
    train.join();
    while_training[t] = {median(l), percentile(l, 0.95)};
  }
  at::set_num_threads(r.threads);
  std::tie(r.render_training1_median_ms, r.render_training1_p95_ms) = while_training[1];
  std::tie(r.render_training_median_ms, r.render_training_p95_ms) = while_training[r.threads];

  // StyleGAN's panels the same way (defaults, 32 px): its latent explorer (psi 0.7) and style mixing in
  // turn, idle and then one every 20 ms while StyleGAN trains at the default thread count.
  {
    say("StyleGAN render latency, idle and while it trains");
    TrainConfig sc;
    sc.model = "stylegan";
    sc.params.set("batch", std::to_string(o.batch));
    sc.data = c.data;
    sc.steps = 1000000;
    sc = validate(sc, registry);
    Trainer styled(registry, sc, data);
    for (int i = 0; i < 2; ++i) styled.step();
    TimedExplorer ex(styled.family().snapshot(), styled.step_count());
    auto style_request = [](int i) {
      RenderRequest req;
      if (i % 2 == 0) {
        req.panel = req.explore.view = "latent";
        req.explore.values.set("t", std::to_string(static_cast<double>(i % 100) / 99.0));
        req.explore.values.set("psi", "0.7");
      } else {
        req.panel = req.explore.view = "mixing";
        req.explore.values.set("coarse", i % 4 == 1 ? "on" : "off");
        req.explore.values.set("fine", i % 4 == 3 ? "on" : "off");
      }
      return req;
    };
    std::vector<double> idle;
    for (int i = 0; i < o.render_requests; ++i) idle.push_back(ex.time(style_request(i)));
    r.style_render_median_ms = median(idle);
    r.style_render_p95_ms = percentile(idle, 0.95);
    std::atomic<bool> quit{false};
    std::thread train([&] {
      init_torch_thread();
      at::set_num_threads(r.threads);
      while (!quit) styled.step();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::vector<double> busy;
    for (int i = 0; i < std::max(20, o.render_requests / 2); ++i) {
      busy.push_back(ex.time(style_request(i)));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    quit = true;
    train.join();
    r.style_render_training_median_ms = median(busy);
    r.style_render_training_p95_ms = percentile(busy, 0.95);
  }

  std::shared_ptr<FeatureExtractor> extractor;
  if (o.fid_samples > 0 || o.metrics_steps > 0) {
    try {
      say("FID-" + std::to_string(o.fid_samples) + " with the dataset classifier");
      const auto t0 = std::chrono::steady_clock::now();
      auto classifier = classifier_for(c.data.at("images"), {}, say);
      extractor = classifier.extractor;
      MetricEvaluator evaluator(classifier.extractor, data->images(), label(c.data.at("images")), say);
      r.classifier_cached = classifier.from_cache && evaluator.reference_from_cache();
      r.classifier_setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (o.fid_samples > 0) {
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
      }
    } catch (const std::exception& e) {
      r.fid_error = e.what();
    }
  }

  if (o.metrics_steps > 0 && extractor) {
    try {
      // The session's way: every `every` steps the metric worker gets a snapshot of G and measures it
      // on its own thread. The worker is set up first (classifier and reference from the cache).
      MetricWorkerSetup setup;
      setup.options.every = o.metrics_every;
      setup.options.samples = o.metrics_samples;
      setup.data = c.data.at("images");
      setup.reference = data;
      setup.reference_label = label(setup.data);
      setup.caps = trainer.family().info().caps;
      std::atomic<int> points{0}, skipped{0};
      MetricWorker worker(
          setup, [&](const MetricPoint&) { ++points; },
          [&](Severity s, const std::string& text) {
            if (s == Severity::Warning && text.find("skipped") != std::string::npos) ++skipped;
          });
      worker.wait_idle();
      // Blocks of 2 x every steps with and without metrics, in turn. With metrics, snapshots go to the
      // worker at the block's first step and halfway, so that both evaluations fall inside the block;
      // the worker is then waited for (untimed, reported) before the next block.
      const int block = 2 * o.metrics_every;
      double on_s = 0, off_s = 0;
      int on_steps = 0, off_steps = 0;
      while (on_steps < o.metrics_steps) {
        for (bool metrics : {false, true}) {
          const auto t0 = std::chrono::steady_clock::now();
          for (int i = 0; i < block; ++i) {
            if (metrics && i % o.metrics_every == 0) worker.submit(trainer.step_count(), trainer.family().snapshot());
            trainer.step();
          }
          const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          (metrics ? on_s : off_s) += s;
          (metrics ? on_steps : off_steps) += block;
          const auto w0 = std::chrono::steady_clock::now();
          worker.wait_idle();
          r.metrics_wait_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
        }
        say("  " + std::to_string(on_steps) + " of " + std::to_string(o.metrics_steps) + " steps with metrics");
      }
      r.metrics_off_rate = off_steps / off_s;
      r.metrics_on_rate = on_steps / on_s;
      r.metrics_points = points;
      r.metrics_skipped = skipped;
    } catch (const std::exception& e) {
      r.metrics_error = e.what();
    }
  }

  if (!o.folder.empty() || o.folder_images > 0) {
    std::string folder = o.folder;
    std::string made;
    try {
      const std::string scratch = (std::filesystem::temp_directory_path() /
                                   ("gan-explorer-bench-" + std::to_string(::getpid()))).string();
      if (folder.empty()) {
        made = scratch + "/images";
        say("writing " + std::to_string(o.folder_images) + " JPEGs of " + std::to_string(o.folder_width) + "x" +
            std::to_string(o.folder_height) + " made from Fashion-MNIST to " + made);
        write_benchmark_jpegs(made, o.folder_images, o.folder_width, o.folder_height);
        folder = made;
        r.folder_label = std::to_string(o.folder_images) + " JPEGs of " + std::to_string(o.folder_width) + "x" +
                         std::to_string(o.folder_height) + " made from Fashion-MNIST";
      } else {
        r.folder_label = folder;
      }
      LoadOptions lo;
      lo.cache_dir = scratch + "/cache";  // an empty cache of its own, so the first load decodes
      auto load = [&](double& seconds, double& peak) {
        std::shared_ptr<const Dataset> d;
        const double before = status_mib("VmRSS");
        reset_peak_rss();
        const auto t0 = std::chrono::steady_clock::now();
        d = load_image_folder(folder, 32, lo);
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        peak = status_mib("VmHWM") - before;
        return d;
      };
      say("reading " + folder + " at 32x32 into an empty cache");
      auto first = load(r.folder_first_s, r.folder_first_peak_mib);
      r.folder_read = first->size();
      r.folder_files = first->size() + first->skipped();
      first.reset();
      say("reading it again, from the cache");
      auto cached = load(r.folder_cached_s, r.folder_cached_peak_mib);
      cached->images().sum().item<long>();  // every page touched once, as an epoch would
      for (const auto& e : std::filesystem::directory_iterator(scratch + "/cache/folders"))
        r.folder_cache_mib += static_cast<double>(e.file_size()) / (1 << 20);
      cached.reset();
      const std::string script = o.folder_script.empty() ? GAN_FOLDER_BENCH_SCRIPT : o.folder_script;
      int status = 0;
      say("the same folder through torchvision's DataLoader with 2 workers");
      const std::string out = run_command(o.python_exe + " '" + script + "' '" + folder + "' --res 32 2>&1", status);
      try {
        const auto j = last_json_line(out);
        r.torchvision_s = j.at("seconds").get<double>();
        r.torchvision_images = j.at("images").get<long long>();
        r.torchvision_peak_mib = j.at("peak_added_kib").get<double>() / 1024.0;
        r.torchvision_ran = status == 0;
      } catch (const std::exception&) {
        r.torchvision_error = out.find("No module named 'torchvision'") != std::string::npos
                                  ? "torchvision is not installed (sudo apt-get install python3-torchvision)"
                                  : "the torchvision benchmark failed: " + out.substr(0, 300);
      }
      std::error_code ec;
      std::filesystem::remove_all(scratch, ec);
    } catch (const std::exception& e) {
      r.folder_error = e.what();
    }
  }

  if (o.python) {
    const std::string script = o.python_script.empty() ? GAN_BENCH_SCRIPT : o.python_script;
    if (!std::filesystem::exists(script)) {
      r.python_error = "the Python script was not found: " + script;
    } else {
      say("the same DCGAN in PyTorch (" + o.python_exe + "), at its default settings");
      int status = 0;
      const std::string out = run_command(o.python_exe + " '" + script + "' --batch " + std::to_string(o.batch) +
                                              " --steps " + std::to_string(o.train_steps) + " --warmup " +
                                              std::to_string(o.warmup_steps) + " 2>&1",
                                          status);
      try {
        const auto j = last_json_line(out);
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

// One DCGAN step at batch 64, 32x32, ngf = ndf = 64, counted by hand (multiply-adds x 2): G's forward
// 2.23 GFLOP (transposed convolutions 100->256 at 4x4, 256->128 at 8x8, 128->64 at 16x16, 64->1 at
// 32x32), D's forward 2.18 GFLOP; a step is 3 G-equivalents (forward, and backward to the input and
// the weights) and 9 D-equivalents (real, fake, and G's pass through D, each forward and backward).
constexpr double kDcganStepGflop = 3 * 2.23 + 9 * 2.18;

std::string BenchReport::text() const {
  std::ostringstream s;
  char line[512];
  auto put = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof line, fmt, args...);
    s << line;
  };
  s << "threads: " << thread_settings << "\n";
  put("OpenBLAS sgemm 1024^3               %.0f GFLOP/s on 1 thread, %.0f GFLOP/s on %d (%.2fx)\n", sgemm1_gflops,
      sgemm_all_gflops, cpus, sgemm_all_gflops / std::max(1e-9, sgemm1_gflops));
  put("DCGAN train step, 1 thread (C++)    median %.1f ms, p95 %.1f ms = %.2f steps/s, %.0f GFLOP/s\n", train1_median_ms,
      train1_p95_ms, 1000.0 / train1_median_ms, kDcganStepGflop / (train1_median_ms / 1000));
  put("DCGAN train step, %d threads (C++)   median %.1f ms, p95 %.1f ms = %.2f steps/s, %.0f GFLOP/s = %.0f%% of %d-thread sgemm\n",
      threads, train_median_ms, train_p95_ms, 1000.0 / train_median_ms, kDcganStepGflop / (train_median_ms / 1000),
      100.0 * kDcganStepGflop / (train_median_ms / 1000) / std::max(1e-9, sgemm_all_gflops), cpus);
  put("default against 1 thread            %.2fx (1-thread median / default median)\n", train1_median_ms / train_median_ms);
  if (python_ran) {
    put("DCGAN train step (Python, default)  median %.1f ms, p95 %.1f ms = %.2f steps/s (%d thread(s))\n",
        python_median_ms, python_p95_ms, 1000.0 / python_median_ms, python_threads);
    put("C++ default relative to Python      %.2fx (Python median / C++ default median)\n", python_median_ms / train_median_ms);
  } else if (!python_error.empty()) {
    s << "Python comparison skipped: " << python_error << "\n";
  }
  put("latent -> 8-bit image, 1 image     median %.2f ms, p95 %.2f ms (idle)\n", render_median_ms, render_p95_ms);
  put("  while training at 1 thread       median %.2f ms, p95 %.2f ms\n", render_training1_median_ms,
      render_training1_p95_ms);
  put("  while training at %d threads      median %.2f ms, p95 %.2f ms\n", threads, render_training_median_ms,
      render_training_p95_ms);
  put("latent -> 8-bit grid, 64 images    median %.1f ms\n", grid_median_ms);
  put("StyleGAN panel -> 8-bit image(s)   median %.2f ms, p95 %.2f ms (idle; latent explorer and style mixing in turn)\n",
      style_render_median_ms, style_render_p95_ms);
  put("  while StyleGAN trains at %d threads median %.2f ms, p95 %.2f ms (target p95: 16 ms, 60 frames a second)\n",
      threads, style_render_training_median_ms, style_render_training_p95_ms);
  if (fid_samples > 0) {
    put("FID-%lld, classifier features      %.1f s (generate %.1f s, features %.1f s, statistics %.2f s); "
        "FID %.2f after these few steps\n",
        fid_samples, fid_total_s, fid_generate_s, fid_extract_s, fid_total_s - fid_generate_s - fid_extract_s, fid_value);
    put("  (classifier and reference features %s: %.1f s, once per dataset)\n",
        classifier_cached ? "read from the cache" : "prepared", classifier_setup_s);
  } else if (!fid_error.empty()) {
    s << "FID skipped: " << fid_error << "\n";
  }
  if (metrics_on_rate > 0) {
    put("training with live metrics          %.2f steps/s against %.2f without: %.1f%% slower (%d point(s) measured, "
        "%d skipped; waited %.1f s after the blocks for the last evaluations)\n",
        metrics_on_rate, metrics_off_rate, 100.0 * (1 - metrics_on_rate / metrics_off_rate), metrics_points,
        metrics_skipped, metrics_wait_s);
  } else if (!metrics_error.empty()) {
    s << "live-metrics throughput skipped: " << metrics_error << "\n";
  }
  if (!folder_label.empty() && folder_error.empty()) {
    put("image folder: %s, %lld files, %lld read, at 32x32\n", folder_label.c_str(), folder_files, folder_read);
    put("  first load (decode, cache)       %.1f s = %.2f s per 1000, peak memory +%.0f MiB\n", folder_first_s,
        1000 * folder_first_s / std::max(1LL, folder_files), folder_first_peak_mib);
    put("  cached load                      %.2f s, peak memory +%.0f MiB (cache file %.0f MiB)\n", folder_cached_s,
        folder_cached_peak_mib, folder_cache_mib);
    if (torchvision_ran)
      put("  torchvision, DataLoader 2 workers %.1f s = %.2f s per 1000 (%lld images), main process peak +%.0f MiB\n",
          torchvision_s, 1000 * torchvision_s / std::max(1LL, torchvision_images), torchvision_images,
          torchvision_peak_mib);
    else if (!torchvision_error.empty())
      s << "  torchvision skipped: " << torchvision_error << "\n";
  } else if (!folder_error.empty()) {
    s << "image folder skipped: " << folder_error << "\n";
  }
  return s.str();
}

}  // namespace gan

namespace gan {

DistributedBenchReport run_distributed_bench(const DistributedBenchOptions& o,
                                             const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& m) {
    if (progress) progress(m);
  };
  if (!distributed_available()) throw std::runtime_error(distributed_unavailable_reason());
  if (o.processes.empty() || o.rounds < 1 || o.steps <= o.warmup) throw std::invalid_argument("nothing to measure");
  DistributedBenchReport r;
  r.options = o;
  r.cpus = available_cpus();
  const std::string exe = worker_executable();
  namespace fs = std::filesystem;
  const fs::path dir = temporary_name((fs::temp_directory_path() / "gan-dist-bench").string());
  fs::create_directories(dir);
  std::map<int, DistributedBenchRow> rows;
  for (int round = 0; round < o.rounds; ++round) {
    // Alternating order (1, 2, then 2, 1, ...): a drift of the machine falls on both.
    std::vector<int> order = o.processes;
    if (round % 2 == 1) std::reverse(order.begin(), order.end());
    for (int n : order) {
      const fs::path out = dir / ("run-" + std::to_string(n) + "-" + std::to_string(round));
      say("round " + std::to_string(round + 1) + " of " + std::to_string(o.rounds) + ": " + o.model + " on " +
          std::to_string(n) + " process(es), batch " + std::to_string(o.batch) + " each, " + std::to_string(o.steps) +
          " steps");
      const std::string cmd = "'" + exe + "' train --model " + o.model + " --data '" + o.data + "' --device " + o.device +
                              " --batch " + std::to_string(o.batch) + " --steps " + std::to_string(o.steps) +
                              " --out '" + out.string() + "' --log-every 1 --sample-every 100000000" +
                              " --checkpoint-every 100000000 --nproc " + std::to_string(n) +
                              (o.sync_batch_norm ? " --sync-bn" : "") + " 2>&1";
      int status = 0;
      const std::string text = run_command(cmd, status);
      if (status != 0) throw std::runtime_error("the run on " + std::to_string(n) + " process(es) failed: " + text);
      std::vector<double> ms;
      std::ifstream log(out / "log.jsonl");
      for (std::string line; std::getline(log, line);) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.contains("step_ms") && j.value("step", 0LL) > o.warmup) ms.push_back(j["step_ms"].get<double>());
      }
      if (ms.empty()) throw std::runtime_error("the run on " + std::to_string(n) + " process(es) logged no steps");
      auto& row = rows[n];
      row.processes = n;
      row.threads = training_threads_sharing(n);  // as each of the n processes sets itself
      row.step_ms.push_back(median(ms));
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  for (int n : o.processes) {
    auto row = rows[n];
    row.median_step_ms = median(row.step_ms);
    row.images_per_s = 1000.0 * n * o.batch / row.median_step_ms;
    r.rows.push_back(row);
  }
  const auto& base = r.rows.front();
  for (auto& row : r.rows) row.efficiency = row.images_per_s / (base.images_per_s * row.processes / base.processes);
  return r;
}

std::string DistributedBenchReport::text() const {
  std::ostringstream s;
  char buf[256];
  s << "data-parallel " << options.model << " on " << options.data << " (" << options.device << "), batch "
    << options.batch << " per process" << (options.sync_batch_norm ? ", SyncBatchNorm" : "")
    << ", c10d Gloo over 127.0.0.1; " << cpus << " CPU(s) shared by the processes;\n"
    << "median step time of steps " << options.warmup + 1 << ".." << options.steps << " of each run, median of "
    << options.rounds << " runs in alternating order\n";
  for (const auto& row : rows) {
    std::snprintf(buf, sizeof buf,
                  "  %d process(es) x %d thread(s): step %.1f ms, %.0f images/s, scaling efficiency %.2f (runs:",
                  row.processes, row.threads, row.median_step_ms, row.images_per_s, row.efficiency);
    s << buf;
    for (double ms : row.step_ms) {
      std::snprintf(buf, sizeof buf, " %.1f", ms);
      s << buf;
    }
    s << " ms)\n";
  }
  return s.str();
}

}  // namespace gan
