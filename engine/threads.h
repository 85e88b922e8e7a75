#pragma once
// Intra-op threads for LibTorch, set on every thread that runs tensor code.
//
// OpenMP keeps its thread count per thread. Python calls at::init_num_threads() when torch is
// imported; a C++ program must do it itself on each thread it starts, or oneDNN's convolutions run
// with OpenMP's default while ATen uses another count.
//
// The training thread uses every CPU this process may run on; the threads that serve it (the
// explorer's renderer, the metric worker) use one each. OpenBLAS, which LibTorch 1.13 calls for its
// transposed convolutions and matrix products, is held to one thread: its own pool of spinning
// workers and OpenMP's spinning workers fought over the two cores of this project's machines and
// made a two-thread DCGAN step 1.5x *slower* than a one-thread step (README, Speed).
#include <string>

namespace gan {

enum class ThreadRole {
  Training,     // the training step: training_threads(), at a lower priority (nice +training_nice())
                // so that what a user is waiting for comes first
  Foreground,   // the command line's own work (sample, metrics, the benchmark): training_threads()
  Interactive,  // the explorer's renderer: one intra-op thread, the priority it was started with
  Background,   // the metric worker: one thread, lowest (nice +kBackgroundNice): it takes the CPU
                // time that training leaves, rather than slowing training down
};
// Linux nice values are per thread; a thread starts with its creator's, and an unprivileged one can
// only raise its own. So the training and metric threads lower themselves, and a thread that starts an
// interactive one must not have been lowered.
constexpr int kTrainingNice = 10;
constexpr int kBackgroundNice = 15;

// Call first thing on each thread that runs tensor code.
void init_torch_thread(ThreadRole role = ThreadRole::Training);
// The training thread's count: $GAN_EXPLORER_THREADS when set to a positive number, else the CPUs
// this process may run on (its affinity mask).
int training_threads();
// The training threads of one of `local_processes` processes that train together on this machine:
// GAN_EXPLORER_THREADS when set, else an equal share of the CPUs (at least one).
int training_threads_sharing(int local_processes);
// The training threads' nice value: $GAN_EXPLORER_NICE (0 to 19) when set, else kTrainingNice.
int training_nice();
// The CPUs this process may run on.
int available_cpus();
// The intra-op thread count in force on the calling thread.
int torch_threads();
// OpenBLAS's thread count, or 0 when LibTorch's BLAS is not OpenBLAS.
int blas_threads();
// Sets OpenBLAS's thread count (the benchmark's sgemm figures); nothing without OpenBLAS.
void set_blas_threads(int n);
// One line for benchmarks and logs: "training 2 intra-op threads of 2 CPUs; explorer and metrics 1
// each; OpenBLAS 1; OMP_WAIT_POLICY unset".
std::string thread_settings();

}  // namespace gan
