#pragma once
// Training on several processes and machines with PyTorch's c10d: a TCPStore for the rendezvous and a
// Gloo process group (CPU tensors; CUDA tensors are staged through the host). A run is distributed
// when torchrun's variables are set (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK), or when
// the user asks for N local processes: rank 0 then starts the others itself.
//
// Rank 0 is an ordinary session (the GUI's or the CLI's): it reads the config, writes the checkpoint,
// the log, the samples and the metrics. It publishes the run (config, checkpoint to continue) in the
// store; the other ranks take it from there, train, and write nothing.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/core/parallel.h"
#include "models/core/registry.h"

namespace gan {

// Whether this build has c10d with Gloo (LibTorch built with it, and libgloo's headers found).
bool distributed_available();
// Why not, for the user, when it is not.
std::string distributed_unavailable_reason();

// Where this process stands in a run of several.
struct DistributedEnv {
  int rank = 0;
  int world = 1;
  int local_rank = 0;
  int local_world = 1;  // processes of the run on this machine (LOCAL_WORLD_SIZE): they share its CPUs
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::chrono::seconds timeout{120};  // rendezvous and every collective (distributed_timeout())
};

// GAN_EXPLORER_DIST_TIMEOUT (seconds, 1 to 86400), else 120; std::invalid_argument when it is not.
std::chrono::seconds distributed_timeout();

// Reads torchrun's variables. Nothing when WORLD_SIZE is unset (or 1, with no RANK);
// std::invalid_argument naming the variable when they are partial or wrong.
std::optional<DistributedEnv> distributed_env_from_environment();

// A collective failed: another rank died, or did not answer within the timeout.
class DistributedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A joined process group: every rank of the run is connected to every other.
class ProcessGroup : public Collective {
 public:
  ~ProcessGroup() override = default;
  // Joins the run: rank 0 hosts the store. Throws DistributedError when the others do not come within
  // the timeout, std::runtime_error when this build has no c10d.
  static std::shared_ptr<ProcessGroup> join(const DistributedEnv& env);
  // The same, waiting on another thread and calling `check` every 100 ms meanwhile: it may throw to give
  // up (a Stop, a worker that died). The abandoned rendezvous ends on its own at the timeout.
  static std::shared_ptr<ProcessGroup> join(const DistributedEnv& env, const std::function<void()>& check);

  // A value published by one rank for the others, under `key`; get waits for it (up to the timeout).
  virtual void set(const std::string& key, const std::string& value) = 0;
  virtual std::string get(const std::string& key) = 0;
  virtual const DistributedEnv& env() const = 0;
};

// What rank 0 tells the others: the run's config (validated, after any resume changes) and the
// checkpoint it continues from (empty for a new run).
struct RunAnnouncement {
  nlohmann::json config;
  std::string resume_from;
};
void announce_run(ProcessGroup& group, const RunAnnouncement& run);
RunAnnouncement await_run(ProcessGroup& group);

// A free TCP port on 127.0.0.1 (for a run of local processes).
int free_local_port();

// The processes rank 0 started on this machine (ranks 1..N-1): `exe train` with torchrun's variables.
// The destructor waits for them a few seconds, then ends those still running.
class LocalWorkers {
 public:
  LocalWorkers(const std::string& exe, const DistributedEnv& env);
  ~LocalWorkers();
  LocalWorkers(const LocalWorkers&) = delete;
  LocalWorkers& operator=(const LocalWorkers&) = delete;
  // A line for each worker that has ended with an error so far ("process 1 exited with status 3").
  std::vector<std::string> failures();
  // Ends them now (SIGKILL), without waiting.
  void kill_all();

 private:
  void end_all();
  std::vector<int> pids_;
  std::vector<bool> reaped_;
};

// The program to start for local workers: GAN_EXPLORER_EXE when set (tests), else this executable.
std::string worker_executable();

// A rank other than 0: takes the run from rank 0, trains it in step with the others, and ends when rank
// 0 says so, when the run is finished, or when `stop_requested` says so (a signal). `say` gets what the
// user should read. Returns the exit status: 0, or 1 after an error (already said).
int run_worker(const Registry& registry, ProcessGroup& group, const std::function<bool()>& stop_requested,
               const std::function<void(const std::string&)>& say);

}  // namespace gan
