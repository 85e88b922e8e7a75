#include "engine/threads.h"

#include <ATen/Parallel.h>

#include <cstdlib>

namespace gan {

void init_torch_thread() {
  at::init_num_threads();
  if (const char* env = std::getenv("GAN_EXPLORER_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) at::set_num_threads(n);
  }
}

int torch_threads() { return at::get_num_threads(); }

}  // namespace gan
