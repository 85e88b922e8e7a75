#pragma once
// The benchmark behind `gan-explorer bench`: training speed and render latency, and the same DCGAN in
// PyTorch (Debian's python3-torch, the same LibTorch build) run in the same go for a ratio.
#include <string>
#include <vector>

namespace gan {

struct BenchOptions {
  int train_steps = 30;               // per thread setting, in alternating blocks
  int warmup_steps = 3;
  int batch = 64;
  int render_requests = 200;
  bool python = true;                 // also run bench/dcgan_bench.py
  std::string python_exe = "/usr/bin/python3";  // Debian's, with python3-torch
  std::string python_script;          // empty: the one in the source tree
  std::string data = "fashion-mnist";
  long long fid_samples = 10000;      // FID with the dataset classifier; 0: skip
  // Training with live metrics (every metrics_every steps, metrics_samples samples) against without,
  // metrics_steps steps each; needs the classifier (as FID does). 0 steps: skip.
  int metrics_steps = 200;  // with metrics, and as many without, in alternating blocks of 2 x every
  int metrics_every = 50;
  long long metrics_samples = 2000;
  // An image folder to time: `folder`, or when empty and folder_images > 0, that many JPEGs of
  // folder_width x folder_height made from Fashion-MNIST in a temporary folder. Read at 32x32, first
  // (decoded, into an empty cache) and then from the cache, beside torchvision when it is installed.
  std::string folder;
  long long folder_images = 0;
  int folder_width = 178, folder_height = 218;  // CelebA's aligned images
  std::string folder_script;          // empty: bench/folder_bench.py in the source tree
};

struct BenchReport {
  std::string thread_settings;
  int threads = 0;                   // the training default
  int blas_threads = 0;
  double sgemm1_gflops = 0, sgemm_all_gflops = 0;  // OpenBLAS sgemm 1024^3 on 1 thread and on every CPU
  int cpus = 0;
  double train1_median_ms = 0, train1_p95_ms = 0;  // at one intra-op thread
  double train_median_ms = 0, train_p95_ms = 0;    // at the default
  double render_median_ms = 0, render_p95_ms = 0;  // one image: request -> 8-bit image delivered
  double grid_median_ms = 0;                       // a 64-image grid
  // The same single-image requests, one every 20 ms, while DCGAN trains on another thread.
  double render_training1_median_ms = 0, render_training1_p95_ms = 0;  // training at one thread
  double render_training_median_ms = 0, render_training_p95_ms = 0;    // training at the default
  // StyleGAN's panels (latent explorer and style mixing in turn), idle and while StyleGAN trains.
  double style_render_median_ms = 0, style_render_p95_ms = 0;
  double style_render_training_median_ms = 0, style_render_training_p95_ms = 0;
  bool python_ran = false;
  double python_median_ms = 0, python_p95_ms = 0;
  int python_threads = 0;
  std::string python_error;
  long long fid_samples = 0;          // 0: not measured
  double fid_generate_s = 0, fid_extract_s = 0, fid_total_s = 0, fid_value = 0;
  double classifier_setup_s = 0;      // training or loading the classifier, reference features (once)
  bool classifier_cached = false;
  std::string fid_error;
  // Training throughput (steps/s over metrics_steps steps) without and with live metrics.
  double metrics_off_rate = 0, metrics_on_rate = 0;
  int metrics_points = 0, metrics_skipped = 0;
  double metrics_wait_s = 0;  // for evaluations still running at the end of a block (untimed)
  std::string metrics_error;
  // Image folder: first load (decode and cache) and cached load.
  std::string folder_label;
  long long folder_files = 0, folder_read = 0;
  double folder_first_s = 0, folder_cached_s = 0;
  double folder_first_peak_mib = 0, folder_cached_peak_mib = 0;  // peak resident memory the load added
  double folder_cache_mib = 0;
  bool torchvision_ran = false;
  double torchvision_s = 0, torchvision_peak_mib = 0;
  long long torchvision_images = 0;
  std::string folder_error, torchvision_error;
  std::string text() const;  // the figures, one per line
};

BenchReport run_bench(const BenchOptions& o, const std::function<void(const std::string&)>& progress = {});

// Data-parallel throughput: `gan-explorer train --nproc N` for each N of `processes`, in alternating
// order for `rounds` rounds, batch `batch` per process, the median step time of each run after
// `warmup` steps (from its log).
struct DistributedBenchOptions {
  std::vector<int> processes{1, 2};
  std::string model = "dcgan";
  std::string data = "fashion-mnist";
  std::string device = "cpu";
  int batch = 64;
  int steps = 40;
  int warmup = 5;
  int rounds = 3;
  bool sync_batch_norm = false;
};
struct DistributedBenchRow {
  int processes = 0;
  int threads = 0;                    // intra-op threads each
  std::vector<double> step_ms;        // each round's median step time
  double median_step_ms = 0;
  double images_per_s = 0;            // processes * batch / median step time
  double efficiency = 0;              // images_per_s / (processes * images_per_s at the first row's count)
};
struct DistributedBenchReport {
  DistributedBenchOptions options;
  int cpus = 0;
  std::vector<DistributedBenchRow> rows;
  std::string text() const;
};
DistributedBenchReport run_distributed_bench(const DistributedBenchOptions& o,
                                             const std::function<void(const std::string&)>& progress = {});

double median(std::vector<double> v);
double percentile(std::vector<double> v, double p);

}  // namespace gan
