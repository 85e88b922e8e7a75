#include "engine/threads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace gan {

// Debian's LibTorch calls BLAS through libblas.so.3, which OpenBLAS provides. OpenBLAS keeps a pool of
// its own (one thread per CPU) whose idle workers spin in sched_yield between calls; it knows nothing
// of LibTorch's thread setting. Its size is set to LibTorch's, unless the user chose one.
static void match_blas_threads(int n) {
  if (std::getenv("OPENBLAS_NUM_THREADS")) return;
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(n);
}

void init_torch_thread() {
  at::init_num_threads();
  if (const char* env = std::getenv("GAN_EXPLORER_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) at::set_num_threads(n);
  }
  static std::once_flag once;
  std::call_once(once, [] { match_blas_threads(at::get_num_threads()); });
}

int torch_threads() { return at::get_num_threads(); }

int blas_threads() {
  using GetThreads = int (*)();
  auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get ? get() : 0;
}

}  // namespace gan
