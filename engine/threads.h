#pragma once
// Intra-op threads for LibTorch, set on every thread that runs tensor code.
//
// OpenMP keeps its thread count per thread. Python calls at::init_num_threads() when torch is
// imported; a C++ program must do it itself on each thread it starts, or oneDNN's convolutions run
// with OpenMP's default (every CPU) while ATen uses LibTorch's default. On this project's 2-vCPU
// machines that mix made a DCGAN step 1.4x slower. OpenBLAS's own pool is sized to match.
namespace gan {

// Call first thing on each thread that runs tensor code. Applies $GAN_EXPLORER_THREADS when set,
// else LibTorch's default for this machine.
void init_torch_thread();
// The intra-op thread count in force on the calling thread.
int torch_threads();
// OpenBLAS's thread count, or 0 when LibTorch's BLAS is not OpenBLAS.
int blas_threads();

}  // namespace gan
