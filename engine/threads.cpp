#include "engine/threads.h"

#include <algorithm>

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include <cstdlib>
#include <mutex>

namespace gan {

// Debian's LibTorch calls BLAS through libblas.so.3, which OpenBLAS provides. OpenBLAS keeps a pool of
// its own (one thread per CPU) whose idle workers spin in sched_yield between calls, and OpenMP's idle
// workers spin too; when the two pools alternate (oneDNN's convolutions on OpenMP, the transposed
// convolutions on OpenBLAS) each spins on the core the other needs. One OpenBLAS thread, unless the
// user chose otherwise with OPENBLAS_NUM_THREADS.
void set_blas_threads(int n) {
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(n);
}

static void hold_blas_to_one_thread() {
  if (!std::getenv("OPENBLAS_NUM_THREADS")) set_blas_threads(1);
}

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  return 1;
}

int training_nice() {
  if (const char* env = std::getenv("GAN_EXPLORER_NICE")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == 0 && n >= 0 && n <= 19) return static_cast<int>(n);
  }
  return kTrainingNice;
}

int training_threads() {
  if (const char* env = std::getenv("GAN_EXPLORER_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return available_cpus();
}

// Lowers the calling thread's priority to at least `nice` (never raises it: that needs a privilege).
static void lower_priority(int nice) {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0 && now < nice) ::setpriority(PRIO_PROCESS, tid, nice);
}

int training_threads_sharing(int local_processes) {
  if (std::getenv("GAN_EXPLORER_THREADS") || local_processes <= 1) return training_threads();
  return std::max(1, available_cpus() / local_processes);
}

void init_torch_thread(ThreadRole role) {
  static std::once_flag once;
  std::call_once(once, hold_blas_to_one_thread);
  at::init_num_threads();
  const bool all = role == ThreadRole::Training || role == ThreadRole::Foreground;
  at::set_num_threads(all ? training_threads() : 1);
  // Before the first parallel region: OpenMP's workers, started by this thread, inherit its priority.
  if (role == ThreadRole::Training) lower_priority(training_nice());
  if (role == ThreadRole::Background) lower_priority(kBackgroundNice);
}

int torch_threads() { return at::get_num_threads(); }

int blas_threads() {
  using GetThreads = int (*)();
  auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get ? get() : 0;
}


std::string thread_settings() {
  const char* wait = std::getenv("OMP_WAIT_POLICY");
  std::string s = "training " + std::to_string(training_threads()) + " intra-op thread(s) of " +
                  std::to_string(available_cpus()) + " CPU(s)";
  if (std::getenv("GAN_EXPLORER_THREADS")) s += " (GAN_EXPLORER_THREADS)";
  s += " at nice +" + std::to_string(training_nice()) + (std::getenv("GAN_EXPLORER_NICE") ? " (GAN_EXPLORER_NICE)" : "") + "; explorer 1 at the app's priority; metrics 1 at nice +" +
       std::to_string(kBackgroundNice) + "; OpenBLAS " + std::to_string(blas_threads());
  if (std::getenv("OPENBLAS_NUM_THREADS")) s += " (OPENBLAS_NUM_THREADS)";
  s += "; OMP_WAIT_POLICY " + std::string(wait ? wait : "unset");
  return s;
}

}  // namespace gan
